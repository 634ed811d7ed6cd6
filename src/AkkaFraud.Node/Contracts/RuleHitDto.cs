namespace AkkaFraud.Node.Contracts;

public sealed record RuleHitDto(string RuleId, long Count);
