namespace AkkaFraud.Node.Contracts;

/// <summary><c>GET /api/cluster/nodes</c>: what each member does, as it reports itself.</summary>
public sealed record ClusterNodesDto(IReadOnlyList<NodeDto> Nodes);

/// <summary>
/// One member's work. <see cref="Answered"/> is false when it did not answer in time (then only its membership facts
/// are known). <see cref="Pipeline"/> is null on nodes without the scorer role. Rates are over the last five seconds;
/// <see cref="BatchWriteMs"/> is the mean warehouse write time of the batches committed then (null: none).
/// </summary>
public sealed record NodeDto(
    string Node,
    string Status,
    IReadOnlyList<string> Roles,
    bool Answered,
    string? Pipeline,
    IReadOnlyList<int> Partitions,
    int Shards,
    int Entities,
    double TransactionsPerSecond,
    double? BatchWriteMs);
