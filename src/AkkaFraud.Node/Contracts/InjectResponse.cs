namespace AkkaFraud.Node.Contracts;

public sealed record InjectResponse(string AccountId, IReadOnlyList<string> TransactionIds);
