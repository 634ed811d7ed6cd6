namespace AkkaFraud.Node.Contracts;

/// <summary>
/// <c>GET /api/cluster/members</c>, in the shape of Akka Management's Cluster HTTP API: every member as the answering
/// node (<see cref="SelfNode"/>) sees it, the unreachable ones with the members whose failure detectors observe them,
/// the leader, the oldest member, and the oldest per role (where cluster singletons of that role live).
/// </summary>
public sealed record ClusterMembersDto(
    string SelfNode,
    IReadOnlyList<ClusterMemberDto> Members,
    IReadOnlyList<UnreachableMemberDto> Unreachable,
    string? Leader,
    string? Oldest,
    IReadOnlyDictionary<string, string> OldestPerRole);

/// <summary>
/// One member. <see cref="Status"/> is Akka's member status (Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed);
/// <see cref="UpNumber"/> ranks the members by age, 1 for the oldest (Akka.NET keeps the leader's counter internal, and
/// only its order means anything).
/// </summary>
public sealed record ClusterMemberDto(string Node, string NodeUid, string Status, IReadOnlyList<string> Roles, int UpNumber, bool Reachable);

public sealed record UnreachableMemberDto(string Node, IReadOnlyList<string> ObservedBy);

/// <summary>The answer to a leave or down request.</summary>
public sealed record MemberOperationDto(string Message);
