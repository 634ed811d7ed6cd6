namespace AkkaFraud.Storage;

/// <summary>
/// The scoring pipeline's port into the warehouse: the batch write, the stored Kafka offsets the source starts from,
/// the account checkpoints and the rows after them (recovery), and the gaps retention left. One
/// <see cref="WriteBatchAsync"/> is one database transaction: scored transactions, dead letters, account checkpoints,
/// per-minute rollups and the consumer's Kafka offsets commit together or not at all, and the offsets are
/// compare-and-set, so a writer that lost its partitions cannot commit. Thread-safe.
/// </summary>
public interface IPipelineStore
{
    /// <summary>
    /// Writes the batch in one transaction, retrying transient failures (connection lost, server restarting) with
    /// bounded backoff; a retry starts the whole transaction again, so a batch is never half-written. Returns
    /// <see cref="BatchCommitted"/>, or <see cref="BatchFenced"/> when an offset's expected value did not match (then
    /// nothing of the batch was written). Throws <see cref="ArgumentException"/> for a malformed batch and the last
    /// database error when the retries are spent.
    /// </summary>
    Task<BatchResult> WriteBatchAsync(StoreBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// The next offset to read per partition of the Kafka cluster <paramref name="kafkaCluster"/>, for the partitions that
    /// have one stored (absent ones are not in the result).
    /// </summary>
    Task<IReadOnlyDictionary<StoredPartition, long>> GetOffsetsAsync(
        string kafkaCluster, string consumerGroup, IReadOnlyCollection<StoredPartition> partitions, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored checkpoints of these accounts written from the Kafka cluster <paramref name="kafkaCluster"/> (accounts
    /// without one are not in the result), read in chunks.
    /// </summary>
    Task<IReadOnlyDictionary<string, AccountCheckpoint>> GetCheckpointsAsync(
        string kafkaCluster, IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// For each account, its stored transactions read from the Kafka cluster <paramref name="kafkaCluster"/> with a Kafka
    /// offset above the given one, in offset order (an account's
    /// records all live on one partition, so offsets order them). With the offset of the account's checkpoint (or -1
    /// without one) this is what the account replays on top of it to stand exactly where the stored offsets stand.
    /// Accounts with nothing after their offset are not in the result.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<ScoredTransaction>>> GetTransactionsAfterAsync(
        string kafkaCluster, IReadOnlyDictionary<string, long> afterOffsets, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records offsets lost to retention before they were read. Idempotent: recording the same gap again (same cluster,
    /// topic, partition and first missing offset) keeps one row and widens it if the new range reaches further.
    /// </summary>
    Task RecordGapAsync(IngestGap gap, CancellationToken cancellationToken = default);
}
