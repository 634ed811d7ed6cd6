using System.Diagnostics;
using System.Globalization;
using System.Text;
using Akka.Event;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// The end of the pipeline, in two steps (<see cref="PrepareAsync"/>, <see cref="CommitAsync"/>): one batch of scored
/// records → one warehouse transaction (rows, dead letters, checkpoints and the compare-and-set offsets). Alerts and
/// dead letters go to Kafka <em>before</em> the commit, with stable ids: a crash in between re-sends them (consumers
/// drop the copy by id) rather than losing them. What follows a commit is <see cref="CommitMarker"/>'s, the next stage.
/// </summary>
internal sealed class BatchWriter(
    IPipelineStore store,
    KafkaClusterIdentity cluster,
    PartitionProgress progress,
    IProducer<byte[]?, byte[]?> producer,
    KafkaSettings kafka,
    TimeProvider clock,
    ILoggingAdapter log)
{

    /// <summary>
    /// Step one of two, so that one batch's Kafka deliveries overlap the previous batch's warehouse transaction (the
    /// writer is the end-to-end bottleneck). A partition revoked between the two steps is caught by the offset
    /// compare-and-set of step two; its alerts may then reach Kafka twice, which their stable ids allow.
    /// </summary>
    public async Task<PreparedBatch> PrepareAsync(IReadOnlyList<ScoredRecord> batch)
    {
        var runs = progress.Owned();
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

    /// <summary>
    /// Step two: the warehouse transaction. The expected stored offsets are read now, not when the batch was prepared:
    /// the previous batch has committed since (and <see cref="CommitMarker"/> has moved them).
    /// </summary>
    public async Task<CommittedBatch> CommitAsync(PreparedBatch prepared)
    {
        if (prepared.LastRecord.Count == 0)
        {
            return new CommittedBatch(prepared, TimeSpan.Zero);
        }

        var started = Stopwatch.GetTimestamp();
        var offsets = new List<OffsetCommit>(prepared.LastRecord.Count);
        foreach (var (partition, last) in prepared.LastRecord)
        {
            if (!progress.TryGetStoredOffset(partition, prepared.Runs[partition], out var expected))
            {
                // Revoked and assigned here again while the batch was prepared: the new run re-reads these records.
                PipelineMetrics.Fenced.Add(1);
                throw new PartitionFencedException($"Partition {partition} started a new run while a batch of its previous run was in flight; restarting from the store.");
            }

            offsets.Add(new OffsetCommit(new StoredPartition(last.Topic, partition), expected, last.NextOffset));
        }

        var result = await store.WriteBatchAsync(new StoreBatch
        {
            KafkaCluster = await cluster.GetAsync(),
            ConsumerGroup = kafka.GroupId,
            Transactions = prepared.Transactions,
            DeadLetters = prepared.DeadLetters,
            Checkpoints = [.. prepared.Checkpoints.Values],
            Offsets = offsets,
        });

        if (result is BatchFenced fenced)
        {
            PipelineMetrics.Fenced.Add(1);
            throw new PartitionFencedException(
                "Another owner moved the stored offsets of " + string.Join(", ", fenced.Conflicts.Select(c => $"{c.Partition} (expected {c.Expected?.ToString(CultureInfo.InvariantCulture) ?? "none"}, found {c.Actual?.ToString(CultureInfo.InvariantCulture) ?? "none"})"))
                + "; restarting from the store.");
        }

        return new CommittedBatch(prepared, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// A dead letter's payload beyond this goes to Kafka truncated, with its size and hash in headers: a record the
    /// broker accepted may still be too large to produce again (Kafka's default message limit is 1 MB), and one
    /// record must never stall the pipeline. The warehouse keeps the whole payload.
    /// </summary>
    public const int DeadLetterPayloadLimit = 512 * 1024;

    /// <summary>Errors no retry can cure: the message itself is what Kafka refuses.</summary>
    private static readonly HashSet<ErrorCode> PermanentErrors =
    [
        // librdkafka reports its own size check as the broker's code ("Broker: Message size too large").
        ErrorCode.MsgSizeTooLarge, ErrorCode.InvalidMsg, ErrorCode.InvalidMsgSize, ErrorCode.RecordListTooLarge, ErrorCode.Local_BadMsg,
    ];

    private async Task PublishToKafkaAsync(List<FraudAlert> alerts, List<DeadLetterRecord> deadLetters)
    {
        if (alerts.Count == 0 && deadLetters.Count == 0)
        {
            return;
        }

        var deliveries = new List<Task>(alerts.Count + deadLetters.Count);
        foreach (var alert in alerts)
        {
            deliveries.Add(DeliverAsync(kafka.AlertsTopic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(alert.Transaction.AccountId),
                Value = alert.ToJson(),
                Headers = new Headers { { "alert-id", Encoding.UTF8.GetBytes(alert.AlertId) } },
            }, $"alert {alert.AlertId}"));
        }

        foreach (var dead in deadLetters)
        {
            deliveries.Add(DeliverAsync(kafka.DeadLetterTopic, DeadLetterMessage(dead), $"dead letter of {dead.Topic}[{dead.KafkaPartition}]@{dead.KafkaOffset}"));
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

    /// <summary>
    /// One message to Kafka. A refusal no retry can cure (<see cref="PermanentErrors"/>) is tried once more, then
    /// isolated to this message: logged, counted (<see cref="PipelineMetrics.Undeliverable"/>) and left out, so the
    /// batch commits; its verdict or dead letter is in the warehouse all the same. Anything else (the broker
    /// unreachable, a timeout) fails the batch, which is retried from the stored offsets.
    /// </summary>
    private async Task DeliverAsync(string topic, Message<byte[]?, byte[]?> message, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await producer.ProduceAsync(topic, message);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> exception) when (PermanentErrors.Contains(exception.Error.Code))
            {
                if (attempt < 2)
                {
                    continue;
                }

                PipelineMetrics.Undeliverable.Add(1, new KeyValuePair<string, object?>("topic", topic));
                log.Error("Kafka refused the {0} ({1} bytes) on {2} twice: {3}. It is left out of {2}; the warehouse has it.",
                    what, message.Value?.Length ?? 0, topic, exception.Error.Reason);
                return;
            }
        }
    }

    private static Message<byte[]?, byte[]?> DeadLetterMessage(DeadLetterRecord dead)
    {
        var payload = dead.Payload.Span;
        var headers = new Headers
        {
            { "source-topic", Encoding.UTF8.GetBytes(dead.Topic) },
            { "source-partition", Encoding.UTF8.GetBytes(dead.KafkaPartition.ToString(CultureInfo.InvariantCulture)) },
            { "source-offset", Encoding.UTF8.GetBytes(dead.KafkaOffset.ToString(CultureInfo.InvariantCulture)) },
            { "reason-code", Encoding.UTF8.GetBytes(dead.ReasonCode) },
            { "reason-detail", Encoding.UTF8.GetBytes(dead.Detail) },
        };
        if (payload.Length <= DeadLetterPayloadLimit)
        {
            return new Message<byte[]?, byte[]?> { Key = null, Value = payload.ToArray(), Headers = headers };
        }

        headers.Add("payload-truncated", Encoding.UTF8.GetBytes("true"));
        headers.Add("payload-size", Encoding.UTF8.GetBytes(payload.Length.ToString(CultureInfo.InvariantCulture)));
        headers.Add("payload-sha256", Encoding.UTF8.GetBytes(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload))));
        return new Message<byte[]?, byte[]?> { Key = null, Value = payload[..DeadLetterPayloadLimit].ToArray(), Headers = headers };
    }
}
