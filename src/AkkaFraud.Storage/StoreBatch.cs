using AkkaFraud.Domain;

namespace AkkaFraud.Storage;

/// <summary>
/// A valid transaction with its verdict, where it was read from (partition and offset of the <c>transactions</c>
/// topic), when it was read (<see cref="IngestedAt"/>) and when it was scored (<see cref="ProcessedAt"/>). What a batch
/// writes and what the dashboard reads back. Times are stored with microsecond precision.
/// </summary>
public sealed record ScoredTransaction(
    Transaction Transaction,
    Verdict Verdict,
    int KafkaPartition,
    long KafkaOffset,
    DateTimeOffset IngestedAt,
    DateTimeOffset ProcessedAt);

/// <summary>
/// An account's engine state (<see cref="AccountState.ToBytes"/>) as of <see cref="AsOfOffset"/>: the offset, in
/// <see cref="KafkaPartition"/> of the <c>transactions</c> topic, of the newest record the state includes. Recovery
/// loads the state and replays the account's records after that offset.
/// </summary>
public sealed record AccountCheckpoint(string AccountId, int KafkaPartition, long AsOfOffset, ReadOnlyMemory<byte> State);

/// <summary>
/// Moves a partition's stored offset from <see cref="ExpectedOffset"/> (null: no offset stored yet) to
/// <see cref="NextOffset"/> (the next record to read), only if the stored value is still the expected one.
/// </summary>
public sealed record OffsetCommit(StoredPartition Partition, long? ExpectedOffset, long NextOffset);

/// <summary>
/// What one <see cref="IPipelineStore.WriteBatchAsync"/> writes atomically. Transactions whose id is already stored, or
/// that repeat an id earlier in the same batch, are skipped (counted in <see cref="BatchCommitted.DuplicatesSkipped"/>):
/// a producer's re-send is not an error. When several checkpoints name the same account, the last one wins.
/// </summary>
public sealed record StoreBatch
{
    /// <summary>
    /// The id of the Kafka cluster the batch's records were read from: its offsets, dead letters, checkpoints and rows
    /// are stored under it (a new cluster's offsets start again at 0).
    /// </summary>
    public required string KafkaCluster { get; init; }

    /// <summary>The Kafka consumer group whose offsets <see cref="Offsets"/> moves.</summary>
    public required string ConsumerGroup { get; init; }

    public IReadOnlyList<ScoredTransaction> Transactions { get; init; } = [];
    public IReadOnlyList<DeadLetterRecord> DeadLetters { get; init; } = [];
    public IReadOnlyList<AccountCheckpoint> Checkpoints { get; init; } = [];

    /// <summary>
    /// At most one per partition. Every partition the batch's records came from should be here: that is the fence, and
    /// it is also how a retry recognises its own earlier commit whose acknowledgement was lost (a batch without offsets
    /// is still written once, but such a retry reports its rows as duplicates).
    /// </summary>
    public IReadOnlyList<OffsetCommit> Offsets { get; init; } = [];
}
