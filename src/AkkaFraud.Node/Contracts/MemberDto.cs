namespace AkkaFraud.Node.Contracts;

public sealed record MemberDto(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable, bool IsLeader, bool IsOldest);
