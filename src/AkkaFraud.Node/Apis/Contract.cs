using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Apis;

// The node ↔ dashboard contract (plan/contract.md): camelCase JSON, ISO-8601 UTC times, enums spelled as WireNames
// spells them. Absent optional fields are null.

/// <summary>Every 4xx answer: what was wrong and how to fix it.</summary>
public sealed record ErrorResponse(string Error);

public sealed record ReasonDto(string RuleId, string Kind, decimal Observed, decimal Limit, int Weight, string Message)
{
    public static ReasonDto From(Reason reason) =>
        new(reason.RuleId, WireNames.RuleKind(reason.Kind), reason.Observed, reason.Limit, reason.Weight, reason.Message);
}

/// <summary>A stored, scored transaction.</summary>
public sealed record TransactionDto(
    string TransactionId,
    string AccountId,
    DateTimeOffset EventTime,
    decimal Amount,
    string Currency,
    string Type,
    string Channel,
    string? MerchantId,
    string? MerchantName,
    string? MerchantCategory,
    string? CounterpartyId,
    string Country,
    double? Latitude,
    double? Longitude,
    string? DeviceId,
    int Score,
    string Decision,
    bool IsFlagged,
    bool IsDuplicate,
    IReadOnlyList<ReasonDto> Reasons,
    int RuleSetVersion,
    int Partition,
    long Offset,
    DateTimeOffset IngestedAt,
    DateTimeOffset ProcessedAt)
{
    public static TransactionDto From(ScoredTransaction scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var t = scored.Transaction;
        var v = scored.Verdict;
        return new(
            t.TransactionId, t.AccountId, t.EventTime.ToUniversalTime(), t.Amount, t.Currency, WireNames.Type(t.Type), WireNames.Channel(t.Channel),
            t.MerchantId, t.MerchantName, t.MerchantCategory, t.CounterpartyId, t.Country, t.Latitude, t.Longitude, t.DeviceId,
            v.Score, WireNames.Decision(v.Decision), v.Flagged, v.IsDuplicate, [.. v.Reasons.Select(ReasonDto.From)], v.RuleSetVersion,
            scored.KafkaPartition, scored.KafkaOffset, scored.IngestedAt.ToUniversalTime(), scored.ProcessedAt.ToUniversalTime());
    }
}

/// <summary>A flagged transaction just committed, as pushed live.</summary>
public sealed record AlertDto(
    string AlertId,
    string TransactionId,
    string AccountId,
    DateTimeOffset EventTime,
    decimal Amount,
    string Currency,
    string? MerchantName,
    string Country,
    string Channel,
    int Score,
    string Decision,
    IReadOnlyList<ReasonDto> Reasons,
    DateTimeOffset CommittedAt)
{
    public static AlertDto From(FraudAlert alert, DateTimeOffset committedAt)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var t = alert.Transaction;
        return new(alert.AlertId, t.TransactionId, t.AccountId, t.EventTime.ToUniversalTime(), t.Amount, t.Currency, t.MerchantName, t.Country,
            WireNames.Channel(t.Channel), alert.Verdict.Score, WireNames.Decision(alert.Verdict.Decision),
            [.. alert.Verdict.Reasons.Select(ReasonDto.From)], committedAt);
    }
}

public sealed record AlertPageDto(IReadOnlyList<TransactionDto> Items, string? Next);

public sealed record AccountSummaryDto(long TransactionCount, int RetainedTransactions, DateTimeOffset? FirstEventTime, DateTimeOffset? LastEventTime)
{
    public static AccountSummaryDto From(AccountSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(summary.TransactionCount, summary.RetainedTransactions, summary.FirstEventTime?.ToUniversalTime(), summary.LastEventTime?.ToUniversalTime());
    }
}

public sealed record AccountDto(string AccountId, IReadOnlyList<TransactionDto> History, AccountSummaryDto? Summary);

public sealed record TotalsDto(long Transactions, long Flagged, long Blocked, decimal Amount, decimal FlaggedAmount, long DeadLetters)
{
    public static TotalsDto From(StoreTotals t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Transactions, t.Flagged, t.Blocked, t.Amount, t.FlaggedAmount, t.DeadLetters);
    }
}

public sealed record RollupDto(DateTimeOffset Minute, long Transactions, long Flagged, long Blocked, decimal Amount, decimal FlaggedAmount, long DeadLetters)
{
    public static RollupDto From(MinuteRollup r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Minute.ToUniversalTime(), r.Transactions, r.Flagged, r.Blocked, r.Amount, r.FlaggedAmount, r.DeadLetters);
    }
}

public sealed record SimulatorStatusDto(bool Running, double TransactionsPerSecond, long Produced);

public sealed record SetRateRequest(double? TransactionsPerSecond);

public sealed record InjectRequest(string? Scenario, string? AccountId);

public sealed record InjectResponse(string AccountId, IReadOnlyList<string> TransactionIds);

public sealed record MemberDto(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable, bool IsLeader, bool IsOldest);

public sealed record RuleHitDto(string RuleId, long Count);

public sealed record TopAccountDto(string AccountId, long Alerts, int MaxScore, DateTimeOffset LastAlertAt);

public sealed record MetricsTotalsDto(long Scored, long Flagged, long DeadLettered);

/// <summary>Cluster-wide, once a second.</summary>
public sealed record MetricsSnapshot(
    DateTimeOffset At,
    int ScorerNodes,
    double ConsumedPerSecond,
    double ScoredPerSecond,
    double FlaggedPerSecond,
    double DeadLetteredPerSecond,
    double FlagRate,
    double? P50LatencyMs,
    double? P99LatencyMs,
    long ConsumerLag,
    MetricsTotalsDto Totals,
    IReadOnlyList<RuleHitDto> RuleHits,
    IReadOnlyList<TopAccountDto> TopAccounts,
    long IngestGaps);
