using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// The graph, one way: Kafka source → parse and validate → the accounts (ordered, bounded hop through the shard region)
/// → batch by size or time → prepare (Kafka alerts and dead letters) → one warehouse transaction per batch → mark it
/// committed (<see cref="CommitMarker"/>).
/// </summary>
internal static class ScoringPipeline
{
    public static RunningPipeline Run(
        FraudSettings settings,
        KafkaSettings kafka,
        PartitionProgress progress,
        IKafkaOffsetStore offsetStore,
        IKafkaPartitionListener partitionListener,
        BatchWriter writer,
        CommitMarker marker,
        IActorRef accountRegion,
        TimeProvider clock,
        PipelineStats stats,
        IMaterializer materializer)
    {
        var hop = new OrderedTellStage<IngestedRecord, ScoredRecord>(
            accountRegion,
            settings.MaxInFlight,
            settings.ReplyTimeout,
            request: (ingested, correlationId) => ingested.Parsed.Transaction is { } transaction
                ? new ScoreTransaction(correlationId, ingested.Record.Partition, ingested.Record.Offset, ingested.Epoch, transaction)
                : null,
            correlationOf: reply => reply is TransactionScored scored ? scored.CorrelationId : null,
            complete: (ingested, reply) => new ScoredRecord(ingested, reply as TransactionScored));

        var (control, completion) = KafkaSource.Create(kafka, [kafka.TransactionsTopic], offsetStore, partitionListener, clock)
            .Select(record =>
            {
                PipelineMetrics.Consumed.Add(1);
                stats.RecordConsumed();
                var reference = record.Timestamp.Type == TimestampType.NotAvailable ? TransactionParser.NoReference : new DateTimeOffset(record.Timestamp.UtcDateTime, TimeSpan.Zero);
                return new IngestedRecord(
                    record,
                    progress.Current(record.Partition)?.Epoch ?? 0,
                    TransactionParser.Parse(record.Value ?? [], reference),
                    clock.GetUtcNow());
            })
            .Where(ingested => ingested.Epoch != 0)
            .Async()
            .Via(hop)
            .GroupedWithin(settings.BatchSize, settings.BatchInterval)
            // The next batch waits ready while one is written, so the writer never waits for scoring to catch up
            // (writer busy 74 % → 85–89 % of the time in the e2e benchmark); bounded at two batches.
            .Buffer(2, OverflowStrategy.Backpressure)
            .SelectAsync(1, batch => writer.PrepareAsync(batch.ToList()))
            .SelectAsync(1, writer.CommitAsync)
            // Fused with the commit on purpose (no async boundary in between): the next commit reads the stored offsets
            // this stage moves, and an interpreter runs a pushed element's handler before the pull that lets the next
            // commit start. Were they apart, the next batch would expect a stale offset and be fenced (a restart, no loss).
            .Select(marker.Mark)
            .ToMaterialized(Sink.Ignore<int>(), Keep.Both)
            .Run(materializer);
        return new RunningPipeline(control, completion);
    }
}
