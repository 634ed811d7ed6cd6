namespace AkkaFraud.Node.Contracts;

public sealed record AccountDto(string AccountId, IReadOnlyList<TransactionDto> History, AccountSummaryDto? Summary);
