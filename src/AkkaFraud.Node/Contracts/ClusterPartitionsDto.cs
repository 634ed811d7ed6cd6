namespace AkkaFraud.Node.Contracts;

/// <summary>
/// <c>GET /api/cluster/partitions</c>: each partition of the transactions topic as of <see cref="ReadAt"/> (the web
/// node reads Kafka and the warehouse once a second; null before its first reading).
/// </summary>
public sealed record ClusterPartitionsDto(string Topic, DateTimeOffset? ReadAt, IReadOnlyList<PartitionDto> Partitions);

/// <summary>
/// One partition. <see cref="Owner"/>: the member consuming it (null while none does, or when its owner did not
/// answer). <see cref="StoredOffset"/>: the next offset the warehouse will read (null before the first commit).
/// <see cref="Lag"/>: records in Kafka not yet committed. <see cref="RecordsPerSecond"/>: committed records per second
/// over the last five seconds.
/// </summary>
public sealed record PartitionDto(
    int Partition,
    string? Owner,
    long? StoredOffset,
    long HighWatermark,
    long Lag,
    DateTimeOffset? LastCommitAt,
    double RecordsPerSecond);
