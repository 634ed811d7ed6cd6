namespace AkkaFraud.Node.Contracts;

public sealed record AlertPageDto(IReadOnlyList<TransactionDto> Items, string? Next);
