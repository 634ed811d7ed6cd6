namespace AkkaFraud.Node.Contracts;

public sealed record SimulatorStatusDto(bool Running, double TransactionsPerSecond, long Produced);
