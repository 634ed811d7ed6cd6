namespace AkkaFraud.Node.Contracts;

public sealed record TopAccountDto(string AccountId, long Alerts, int MaxScore, DateTimeOffset LastAlertAt);
