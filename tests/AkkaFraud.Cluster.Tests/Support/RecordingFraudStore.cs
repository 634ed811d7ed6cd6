using AkkaFraud.Storage;

namespace AkkaFraud.Cluster.Tests.Support;

/// <summary>
/// A node's real warehouse, with what its pipeline asks of the writer (start offsets read, batches written) noted in
/// the harness's <see cref="WriteLedger"/>. Everything else goes straight through.
/// </summary>
internal sealed class RecordingFraudStore(IFraudStore inner, WriteLedger ledger, string node) : IFraudStore
{
    public StoreProvider Provider => inner.Provider;

    public Task<BatchResult> WriteBatchAsync(StoreBatch batch, CancellationToken cancellationToken = default) =>
        ledger.WriteAsync(node, batch, () => inner.WriteBatchAsync(batch, cancellationToken));

    public Task<IReadOnlyDictionary<TopicPartition, long>> GetOffsetsAsync(
        string consumerGroup, IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken = default)
    {
        ledger.StartOffsetsRead(node, partitions);
        return inner.GetOffsetsAsync(consumerGroup, partitions, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, AccountCheckpoint>> GetCheckpointsAsync(
        IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken = default) =>
        inner.GetCheckpointsAsync(accountIds, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<ScoredTransaction>>> GetTransactionsAfterAsync(
        IReadOnlyDictionary<string, long> afterOffsets, CancellationToken cancellationToken = default) =>
        inner.GetTransactionsAfterAsync(afterOffsets, cancellationToken);

    public Task RecordGapAsync(IngestGap gap, CancellationToken cancellationToken = default) => inner.RecordGapAsync(gap, cancellationToken);

    public Task<IReadOnlyList<IngestGap>> GetGapsAsync(CancellationToken cancellationToken = default) => inner.GetGapsAsync(cancellationToken);

    public Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default) => inner.GetAlertsAsync(query, cancellationToken);

    public Task<ScoredTransaction?> GetTransactionAsync(string transactionId, CancellationToken cancellationToken = default) =>
        inner.GetTransactionAsync(transactionId, cancellationToken);

    public Task<IReadOnlyList<ScoredTransaction>> GetAccountHistoryAsync(string accountId, int limit, CancellationToken cancellationToken = default) =>
        inner.GetAccountHistoryAsync(accountId, limit, cancellationToken);

    public Task<IReadOnlyList<MinuteRollup>> GetMinuteRollupsAsync(
        DateTimeOffset fromInclusive, DateTimeOffset toExclusive, CancellationToken cancellationToken = default) =>
        inner.GetMinuteRollupsAsync(fromInclusive, toExclusive, cancellationToken);

    public Task<StoreTotals> GetTotalsAsync(CancellationToken cancellationToken = default) => inner.GetTotalsAsync(cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> GetRecentDeadLettersAsync(int limit, CancellationToken cancellationToken = default) =>
        inner.GetRecentDeadLettersAsync(limit, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
