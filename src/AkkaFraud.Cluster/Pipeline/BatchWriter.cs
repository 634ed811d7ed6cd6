using System.Diagnostics;
using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>A batch was refused because another owner moved a partition's stored offset: this run must restart from the store.</summary>
public sealed class PartitionFencedException(string message) : Exception(message);

/// <summary>
/// The end of the pipeline, in two steps (<see cref="PrepareAsync"/>, <see cref="CommitAsync"/>): one batch of scored
/// records → one warehouse transaction (rows, dead letters, checkpoints and the compare-and-set offsets), then the
/// effects that follow a commit. Alerts and dead letters go to Kafka
/// <em>before</em> the commit, with stable ids: a crash in between re-sends them (consumers drop the copy by id) rather
/// than losing them. DistributedPubSub gets alerts after the commit; it feeds live screens only.
/// </summary>
internal sealed class BatchWriter(
    IPipelineStore store,
    PartitionRegistry registry,
    PartitionProgress progress,
    IProducer<byte[]?, byte[]?> producer,
    KafkaSettings kafka,
    IActorRef mediator,
    TimeProvider clock,
    PipelineStats stats,
    ILoggingAdapter log)
{
    public KafkaConsumerControl? Control { get; set; }

    /// <summary>
    /// A batch kept to this run's partitions, its rows, dead letters, checkpoints and alerts built, and the alerts and dead
    /// letters already delivered to Kafka: all that is left is the warehouse transaction.
    /// </summary>
    internal sealed record PreparedBatch(
        IReadOnlyDictionary<int, PartitionRegistry.PartitionRun> Runs,
        List<ScoredTransaction> Transactions,
        List<DeadLetterRecord> DeadLetters,
        Dictionary<string, AccountCheckpoint> Checkpoints,
        Dictionary<int, KafkaRecord> LastRecord,
        List<FraudAlert> Alerts,
        List<DateTimeOffset> IngestedAt);

    /// <summary>
    /// Step one of two, so that one batch's Kafka deliveries overlap the previous batch's warehouse transaction (the
    /// writer is the end-to-end bottleneck). A partition revoked between the two steps is caught by the offset
    /// compare-and-set of step two; its alerts may then reach Kafka twice, which their stable ids allow.
    /// </summary>
    public async Task<PreparedBatch> PrepareAsync(IReadOnlyList<ScoredRecord> batch)
    {
        var runs = registry.Snapshot();
        var transactions = new List<ScoredTransaction>(batch.Count);
        var deadLetters = new List<DeadLetterRecord>();
        var checkpoints = new Dictionary<string, AccountCheckpoint>(StringComparer.Ordinal);
        var lastRecord = new Dictionary<int, KafkaRecord>();
        var alerts = new List<FraudAlert>();
        var ingestedAt = new List<DateTimeOffset>(batch.Count);
        var processedAt = clock.GetUtcNow();
        foreach (var scored in batch)
        {
            var ingested = scored.Ingested;
            var record = ingested.Record;
            // Records of a revoked partition, or of an earlier run of it, are another owner's work now.
            if (!runs.TryGetValue(record.Partition, out var run) || run.Epoch != ingested.Epoch || record.Offset < run.StartOffset)
            {
                continue;
            }

            lastRecord[record.Partition] = record;
            ingestedAt.Add(ingested.IngestedAt);
            if (scored.Reply is { } reply)
            {
                var transaction = ingested.Parsed.Transaction!;
                transactions.Add(new ScoredTransaction(transaction, reply.Verdict, record.Partition, record.Offset, ingested.IngestedAt, processedAt));
                if (reply.Checkpoint is { } state)
                {
                    checkpoints[transaction.AccountId] = new AccountCheckpoint(transaction.AccountId, record.Partition, record.Offset, state);
                }
                if (reply.Verdict.Flagged && !reply.Verdict.IsDuplicate)
                {
                    alerts.Add(new FraudAlert(transaction, reply.Verdict));
                }
            }
            else
            {
                deadLetters.Add(DeadLetterRecord.From(ingested.Parsed.Rejection!, record.Topic, record.Partition, record.Offset, record.Value ?? [], ingested.IngestedAt));
            }
        }

        if (lastRecord.Count > 0)
        {
            await PublishToKafkaAsync(alerts, deadLetters);
        }

        return new PreparedBatch(runs, transactions, deadLetters, checkpoints, lastRecord, alerts, ingestedAt);
    }

    /// <summary>Step two: the warehouse transaction, then the effects that follow a commit. Returns the records committed.</summary>
    public async Task<int> CommitAsync(PreparedBatch prepared)
    {
        var (runs, transactions, deadLetters, checkpoints, lastRecord, alerts, ingestedAt) = prepared;
        if (lastRecord.Count == 0)
        {
            return 0;
        }

        var started = Stopwatch.GetTimestamp();
        // The expected offsets are read now, not when the batch was prepared: the previous batch has committed since.
        var offsets = lastRecord.Select(kv => new OffsetCommit(
            new StoredPartition(kv.Value.Topic, kv.Key), runs[kv.Key].StoredOffset, kv.Value.NextOffset)).ToList();
        var result = await store.WriteBatchAsync(new StoreBatch
        {
            ConsumerGroup = kafka.GroupId,
            Transactions = transactions,
            DeadLetters = deadLetters,
            Checkpoints = [.. checkpoints.Values],
            Offsets = offsets,
        });

        if (result is BatchFenced fenced)
        {
            PipelineMetrics.Fenced.Add(1);
            throw new PartitionFencedException(
                "Another owner moved the stored offsets of " + string.Join(", ", fenced.Conflicts.Select(c => $"{c.Partition} (expected {c.Expected?.ToString(CultureInfo.InvariantCulture) ?? "none"}, found {c.Actual?.ToString(CultureInfo.InvariantCulture) ?? "none"})"))
                + "; restarting from the store.");
        }

        foreach (var (partition, record) in lastRecord)
        {
            var run = runs[partition];
            run.StoredOffset = record.NextOffset;
            progress.Committed(partition, run.Epoch, record.NextOffset);
            Control?.MarkProcessed(record);
        }

        foreach (var alert in alerts)
        {
            mediator.Tell(new Publish(LiveTopics.Alerts, alert));
        }

        var now = clock.GetUtcNow();
        var count = transactions.Count + deadLetters.Count;
        PipelineMetrics.Scored.Add(transactions.Count);
        PipelineMetrics.Flagged.Add(alerts.Count);
        PipelineMetrics.DeadLettered.Add(deadLetters.Count);
        PipelineMetrics.BatchSize.Record(count);
        PipelineMetrics.BatchWriteMs.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        // Only what this batch committed: records dropped above (another owner's now) were never committed here.
        var latencies = new double[ingestedAt.Count];
        for (var i = 0; i < latencies.Length; i++)
        {
            latencies[i] = (now - ingestedAt[i]).TotalMilliseconds;
            PipelineMetrics.IngestToCommitMs.Record(latencies[i]);
        }

        stats.RecordCommitted(transactions.Count, alerts.Count, deadLetters.Count, latencies);

        return count;
    }

    private async Task PublishToKafkaAsync(List<FraudAlert> alerts, List<DeadLetterRecord> deadLetters)
    {
        if (alerts.Count == 0 && deadLetters.Count == 0)
        {
            return;
        }

        var deliveries = new List<Task>(alerts.Count + deadLetters.Count);
        foreach (var alert in alerts)
        {
            deliveries.Add(producer.ProduceAsync(kafka.AlertsTopic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(alert.Transaction.AccountId),
                Value = alert.ToJson(),
                Headers = new Headers { { "alert-id", Encoding.UTF8.GetBytes(alert.AlertId) } },
            }));
        }

        foreach (var dead in deadLetters)
        {
            deliveries.Add(producer.ProduceAsync(kafka.DeadLetterTopic, new Message<byte[]?, byte[]?>
            {
                Key = null,
                Value = dead.Payload.ToArray(),
                Headers = new Headers
                {
                    { "source-topic", Encoding.UTF8.GetBytes(dead.Topic) },
                    { "source-partition", Encoding.UTF8.GetBytes(dead.KafkaPartition.ToString(CultureInfo.InvariantCulture)) },
                    { "source-offset", Encoding.UTF8.GetBytes(dead.KafkaOffset.ToString(CultureInfo.InvariantCulture)) },
                    { "reason-code", Encoding.UTF8.GetBytes(dead.ReasonCode) },
                    { "reason-detail", Encoding.UTF8.GetBytes(dead.Detail) },
                },
            }));
        }

        try
        {
            await Task.WhenAll(deliveries);
        }
        catch (ProduceException<byte[]?, byte[]?> exception)
        {
            log.Warning("Publishing {0} alerts and {1} dead letters to Kafka failed: {2}", alerts.Count, deadLetters.Count, exception.Error.Reason);
            throw;
        }
    }
}
