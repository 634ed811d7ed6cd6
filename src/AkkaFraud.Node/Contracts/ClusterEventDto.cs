namespace AkkaFraud.Node.Contracts;

/// <summary>
/// One event of <c>GET /api/cluster/events</c> (server-sent, the SSE event name is <see cref="Type"/>): a cluster domain
/// event with the <see cref="Member"/> it concerns (MemberJoined, MemberUp, MemberLeft, MemberExited, MemberDowned,
/// MemberRemoved, UnreachableMember, ReachableMember), a LeaderChanged with the new <see cref="Leader"/> (null: none),
/// or a PartitionMoved with its <see cref="Move"/>. A new listener first gets the current state as events.
/// </summary>
public sealed record ClusterEventDto(string Type, DateTimeOffset At, EventMemberDto? Member = null, string? Leader = null, PartitionMoveDto? Move = null);

public sealed record EventMemberDto(string Node, string NodeUid, string Status, IReadOnlyList<string> Roles);

/// <summary>A partition of the transactions topic changed owner; <see cref="From"/> or <see cref="To"/> is null when no member owned it.</summary>
public sealed record PartitionMoveDto(int Partition, string? From, string? To);
