namespace AkkaFraud.Storage;

/// <summary>
/// The warehouse behind the pipeline and the dashboard. One <see cref="WriteBatchAsync"/> is one database transaction:
/// scored transactions, dead letters, account checkpoints, per-minute rollups and the consumer's Kafka offsets commit
/// together or not at all, and the offsets are compare-and-set, so a writer that lost its partitions cannot commit.
/// PostgreSQL (<see cref="StoreProvider.PostgreSql"/>) for clusters, SQLite (<see cref="StoreProvider.Sqlite"/>) for the
/// embedded mode; both pass the same contract tests. Create one with <see cref="FraudStoreFactory.CreateAsync"/>.
/// Instances are thread-safe; share one per process.
/// </summary>
public interface IFraudStore : IAsyncDisposable
{
    /// <summary>Which database this store writes to.</summary>
    StoreProvider Provider { get; }

    /// <summary>
    /// Writes the batch in one transaction, retrying transient failures (connection lost, server restarting) with
    /// bounded backoff; a retry starts the whole transaction again, so a batch is never half-written. Returns
    /// <see cref="BatchCommitted"/>, or <see cref="BatchFenced"/> when an offset's expected value did not match (then
    /// nothing of the batch was written). Throws <see cref="ArgumentException"/> for a malformed batch and the last
    /// database error when the retries are spent.
    /// </summary>
    Task<BatchResult> WriteBatchAsync(StoreBatch batch, CancellationToken cancellationToken = default);

    /// <summary>The next offset to read per partition, for the partitions that have one stored (absent ones are not in the result).</summary>
    Task<IReadOnlyDictionary<StoredPartition, long>> GetOffsetsAsync(
        string consumerGroup, IReadOnlyCollection<StoredPartition> partitions, CancellationToken cancellationToken = default);

    /// <summary>The stored checkpoints of these accounts (accounts without one are not in the result), read in chunks.</summary>
    Task<IReadOnlyDictionary<string, AccountCheckpoint>> GetCheckpointsAsync(
        IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// For each account, its stored transactions with a Kafka offset above the given one, in offset order (an account's
    /// records all live on one partition, so offsets order them). With the offset of the account's checkpoint (or -1
    /// without one) this is what the account replays on top of it to stand exactly where the stored offsets stand.
    /// Accounts with nothing after their offset are not in the result.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<ScoredTransaction>>> GetTransactionsAfterAsync(
        IReadOnlyDictionary<string, long> afterOffsets, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records offsets lost to retention before they were read. Idempotent: recording the same gap again (same topic,
    /// partition and first missing offset) keeps one row and widens it if the new range reaches further.
    /// </summary>
    Task RecordGapAsync(IngestGap gap, CancellationToken cancellationToken = default);

    /// <summary>Every recorded gap, newest detection first.</summary>
    Task<IReadOnlyList<IngestGap>> GetGapsAsync(CancellationToken cancellationToken = default);

    /// <summary>Flagged transactions, newest event time first, filtered and paged by <see cref="AlertQuery"/>.</summary>
    Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default);

    /// <summary>One stored transaction with its verdict and reasons, or null.</summary>
    Task<ScoredTransaction?> GetTransactionAsync(string transactionId, CancellationToken cancellationToken = default);

    /// <summary>An account's most recent transactions (by event time, newest first), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ScoredTransaction>> GetAccountHistoryAsync(
        string accountId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Per-minute rollups with <c>fromInclusive &lt;= minute &lt; toExclusive</c>, oldest first; minutes without data are absent.</summary>
    Task<IReadOnlyList<MinuteRollup>> GetMinuteRollupsAsync(
        DateTimeOffset fromInclusive, DateTimeOffset toExclusive, CancellationToken cancellationToken = default);

    /// <summary>All-time totals (the sum of every minute rollup).</summary>
    Task<StoreTotals> GetTotalsAsync(CancellationToken cancellationToken = default);

    /// <summary>The most recently received dead letters, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeadLetterRecord>> GetRecentDeadLettersAsync(int limit, CancellationToken cancellationToken = default);
}
