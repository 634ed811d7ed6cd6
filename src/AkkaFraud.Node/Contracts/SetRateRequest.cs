namespace AkkaFraud.Node.Contracts;

public sealed record SetRateRequest(double? TransactionsPerSecond);
