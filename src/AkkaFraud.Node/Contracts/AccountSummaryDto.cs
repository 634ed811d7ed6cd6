using AkkaFraud.Cluster.Accounts;

namespace AkkaFraud.Node.Contracts;

public sealed record AccountSummaryDto(long TransactionCount, int RetainedTransactions, DateTimeOffset? FirstEventTime, DateTimeOffset? LastEventTime)
{
    public static AccountSummaryDto From(AccountSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(summary.TransactionCount, summary.RetainedTransactions, summary.FirstEventTime?.ToUniversalTime(), summary.LastEventTime?.ToUniversalTime());
    }
}
