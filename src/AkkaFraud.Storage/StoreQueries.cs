using AkkaFraud.Domain;

namespace AkkaFraud.Storage;

/// <summary>
/// Which alerts (flagged transactions) to read: an event-time range (<see cref="From"/> inclusive, <see cref="To"/>
/// exclusive), a decision, a rule that fired, an account; newest first, <see cref="Limit"/> per page, continuing
/// <see cref="After"/> the previous page's <see cref="AlertPage.Next"/>.
/// </summary>
public sealed record AlertQuery
{
    public const int MaxLimit = 1000;

    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public Decision? Decision { get; init; }
    public string? RuleId { get; init; }
    public string? AccountId { get; init; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 50;

    public AlertCursor? After { get; init; }
}

/// <summary>Where a page of alerts ended (keyset paging: stable while new alerts arrive).</summary>
public sealed record AlertCursor(DateTimeOffset EventTime, string TransactionId);

/// <summary>One page of alerts; <see cref="Next"/> is null on the last page.</summary>
public sealed record AlertPage(IReadOnlyList<ScoredTransaction> Items, AlertCursor? Next);

/// <summary>
/// One minute of traffic. Transactions count in the minute of their event time; dead letters (which have no trusted
/// event time) in the minute they were received. Amounts add nominal values across currencies.
/// </summary>
public sealed record MinuteRollup(
    DateTimeOffset Minute,
    long Transactions,
    long Flagged,
    long Blocked,
    decimal Amount,
    decimal FlaggedAmount,
    long DeadLetters);

/// <summary>All-time sums of the minute rollups.</summary>
public sealed record StoreTotals(long Transactions, long Flagged, long Blocked, decimal Amount, decimal FlaggedAmount, long DeadLetters);

/// <summary>
/// Offsets <c>[FirstMissingOffset, NextAvailableOffset)</c> of a partition that were deleted by retention before the
/// consumer read them: records lost, recorded so that an operator sees it. <see cref="KafkaCluster"/> is the id of the
/// Kafka cluster whose partition it is ('' for gaps recorded before clusters were told apart).
/// </summary>
public sealed record IngestGap(string KafkaCluster, string Topic, int Partition, long FirstMissingOffset, long NextAvailableOffset, DateTimeOffset DetectedAt)
{
    public long MissingCount => NextAvailableOffset - FirstMissingOffset;
}

/// <summary>
/// What the warehouse holds for one partition a consumer group committed: the next offset to read and when the last
/// batch that moved it committed (the database server's clock).
/// </summary>
public sealed record PartitionCommit(int Partition, long NextOffset, DateTimeOffset CommittedAt);

/// <summary>
/// Which dead letters to read: a reason code, a partition, a receive-time range (<see cref="From"/> inclusive,
/// <see cref="To"/> exclusive); newest first, <see cref="Limit"/> per page, continuing <see cref="After"/> the previous
/// page's <see cref="DeadLetterPage.Next"/>.
/// </summary>
public sealed record DeadLetterQuery
{
    public const int MaxLimit = 1000;

    public string? ReasonCode { get; init; }
    public int? Partition { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 50;

    public DeadLetterCursor? After { get; init; }
}

/// <summary>Where a page of dead letters ended: the last one's receive time and its identity.</summary>
public sealed record DeadLetterCursor(DateTimeOffset ReceivedAt, DeadLetterKey Key);

/// <summary>A dead letter's identity: the Kafka cluster, topic, partition and offset of the record.</summary>
public sealed record DeadLetterKey(string KafkaCluster, string Topic, int Partition, long Offset);

/// <summary>A stored dead letter and the Kafka cluster its record came from ('' when stored before clusters were told apart).</summary>
public sealed record StoredDeadLetter(string KafkaCluster, DeadLetterRecord Letter)
{
    public DeadLetterKey Key => new(KafkaCluster, Letter.Topic, Letter.KafkaPartition, Letter.KafkaOffset);
}

/// <summary>One page of dead letters; <see cref="Next"/> is null on the last page.</summary>
public sealed record DeadLetterPage(IReadOnlyList<StoredDeadLetter> Items, DeadLetterCursor? Next);
