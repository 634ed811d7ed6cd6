namespace AkkaFraud.Storage;

/// <summary>
/// What the dashboard and the HTTP API read from the warehouse: alerts, single transactions, account histories,
/// rollups and totals, dead letters and ingest gaps. Read-only; thread-safe.
/// </summary>
public interface IWarehouseQueries
{
    /// <summary>Every recorded gap, newest detection first.</summary>
    Task<IReadOnlyList<IngestGap>> GetGapsAsync(CancellationToken cancellationToken = default);

    /// <summary>Flagged transactions, newest event time first, filtered and paged by <see cref="AlertQuery"/>.</summary>
    Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default);

    /// <summary>One stored transaction with its verdict and reasons, or null.</summary>
    Task<ScoredTransaction?> GetTransactionAsync(string transactionId, CancellationToken cancellationToken = default);

    /// <summary>An account's most recent transactions (by event time, newest first), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ScoredTransaction>> GetAccountHistoryAsync(
        string accountId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every stored transaction with <c>fromInclusive &lt;= event time &lt; toExclusive</c>, streamed in each Kafka
    /// partition's offset order: the order their accounts scored them. Not retried: a read that fails half-way fails.
    /// </summary>
    IAsyncEnumerable<ScoredTransaction> ReadTimeRangeAsync(
        DateTimeOffset fromInclusive, DateTimeOffset toExclusive, CancellationToken cancellationToken = default);

    /// <summary>Per-minute rollups with <c>fromInclusive &lt;= minute &lt; toExclusive</c>, oldest first; minutes without data are absent.</summary>
    Task<IReadOnlyList<MinuteRollup>> GetMinuteRollupsAsync(
        DateTimeOffset fromInclusive, DateTimeOffset toExclusive, CancellationToken cancellationToken = default);

    /// <summary>All-time totals (the sum of every minute rollup).</summary>
    Task<StoreTotals> GetTotalsAsync(CancellationToken cancellationToken = default);

    /// <summary>Dead letters, newest receive time first, filtered and paged by <see cref="DeadLetterQuery"/>.</summary>
    Task<DeadLetterPage> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken = default);

    /// <summary>The dead letter of one Kafka record, or null.</summary>
    Task<StoredDeadLetter?> GetDeadLetterAsync(DeadLetterKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored offset and last commit time of every partition of <paramref name="topic"/> that
    /// <paramref name="consumerGroup"/> has committed from the Kafka cluster <paramref name="kafkaCluster"/>, by partition.
    /// </summary>
    Task<IReadOnlyList<PartitionCommit>> GetPartitionCommitsAsync(
        string kafkaCluster, string consumerGroup, string topic, CancellationToken cancellationToken = default);
}
