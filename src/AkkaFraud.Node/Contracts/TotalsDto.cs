using AkkaFraud.Storage;

namespace AkkaFraud.Node.Contracts;

public sealed record TotalsDto(long Transactions, long Flagged, long Blocked, decimal Amount, decimal FlaggedAmount, long DeadLetters)
{
    public static TotalsDto From(StoreTotals t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Transactions, t.Flagged, t.Blocked, t.Amount, t.FlaggedAmount, t.DeadLetters);
    }
}
