using AkkaFraud.Storage;

namespace AkkaFraud.Node.Contracts;

public sealed record RollupDto(DateTimeOffset Minute, long Transactions, long Flagged, long Blocked, decimal Amount, decimal FlaggedAmount, long DeadLetters)
{
    public static RollupDto From(MinuteRollup r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Minute.ToUniversalTime(), r.Transactions, r.Flagged, r.Blocked, r.Amount, r.FlaggedAmount, r.DeadLetters);
    }
}
