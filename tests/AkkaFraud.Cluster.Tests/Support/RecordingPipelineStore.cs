using AkkaFraud.Storage;

namespace AkkaFraud.Cluster.Tests.Support;

/// <summary>
/// A node's real warehouse as its pipeline sees it, with what the pipeline asks of it (start offsets read, batches
/// written) noted in the harness's <see cref="WriteLedger"/>. Everything else goes straight through.
/// </summary>
internal sealed class RecordingPipelineStore(IPipelineStore inner, WriteLedger ledger, string node) : IPipelineStore
{
    public Task<BatchResult> WriteBatchAsync(StoreBatch batch, CancellationToken cancellationToken = default) =>
        ledger.WriteAsync(node, batch, () => inner.WriteBatchAsync(batch, cancellationToken));

    public Task<IReadOnlyDictionary<StoredPartition, long>> GetOffsetsAsync(
        string kafkaCluster, string consumerGroup, IReadOnlyCollection<StoredPartition> partitions, CancellationToken cancellationToken = default)
    {
        ledger.StartOffsetsRead(node, partitions);
        return inner.GetOffsetsAsync(kafkaCluster, consumerGroup, partitions, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, AccountCheckpoint>> GetCheckpointsAsync(
        string kafkaCluster, IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken = default) =>
        inner.GetCheckpointsAsync(kafkaCluster, accountIds, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<ScoredTransaction>>> GetTransactionsAfterAsync(
        string kafkaCluster, IReadOnlyDictionary<string, long> afterOffsets, CancellationToken cancellationToken = default) =>
        inner.GetTransactionsAfterAsync(kafkaCluster, afterOffsets, cancellationToken);

    public Task RecordGapAsync(IngestGap gap, CancellationToken cancellationToken = default) => inner.RecordGapAsync(gap, cancellationToken);
}
