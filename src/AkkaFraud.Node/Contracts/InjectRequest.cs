namespace AkkaFraud.Node.Contracts;

public sealed record InjectRequest(string? Scenario, string? AccountId);
