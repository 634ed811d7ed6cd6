namespace AkkaFraud.Node.Contracts;

/// <summary>
/// A dead letter as a list shows it: where the record was, why it was rejected, its size, and the start of its payload
/// (<see cref="Preview"/>: text when it is UTF-8, else hex).
/// </summary>
public sealed record DeadLetterSummaryDto(
    string KafkaCluster, string Topic, int Partition, long Offset, string ReasonCode, string Detail, DateTimeOffset ReceivedAt, int Bytes, string Preview);

public sealed record DeadLetterPageDto(IReadOnlyList<DeadLetterSummaryDto> Items, string? Next);

/// <summary>
/// One dead letter with its whole payload: <see cref="Payload"/> is the text when the bytes are UTF-8
/// (<see cref="PayloadEncoding"/> "utf-8"; JSON escapes it) and their hex digits otherwise ("hex").
/// <see cref="ParsesNow"/> says whether today's parser accepts it, which is what a replay needs;
/// <see cref="RejectedNowBecause"/> says why not.
/// </summary>
public sealed record DeadLetterDto(
    DeadLetterSummaryDto Letter, string PayloadEncoding, string Payload, bool ParsesNow, string? RejectedNowBecause);

/// <summary>Which dead letters of the transactions topic to produce to it again.</summary>
public sealed record ReplayRequest(IReadOnlyList<DeadLetterRef>? Letters);

public sealed record DeadLetterRef(int Partition, long Offset);

/// <summary>What a replay did: the letters produced again (and where they landed) and those it left, with why.</summary>
public sealed record ReplayResponse(IReadOnlyList<ReplayedLetterDto> Replayed, IReadOnlyList<SkippedLetterDto> Skipped);

public sealed record ReplayedLetterDto(int Partition, long Offset, string TransactionId, int ToPartition, long ToOffset);

public sealed record SkippedLetterDto(int Partition, long Offset, string Reason);
