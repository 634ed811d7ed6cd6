using System.Text.Json;
using AkkaFraud.Domain;

namespace AkkaFraud.Node.Contracts;

/// <summary>
/// A backtest of stored transactions: <see cref="Rules"/> (a rule set JSON document, as <c>GET /api/rules</c> gives
/// and <c>akkafraud backtest --rules</c> reads) over <c>from &lt;= event time &lt; to</c>, compared with
/// <see cref="Against"/> (default: the rule set in force on this node). Each account's state is built from
/// <see cref="WarmUpMinutes"/> before <c>from</c> (default: the longer horizon of the two rule sets).
/// </summary>
public sealed record BacktestRequest(JsonElement? Rules, JsonElement? Against, DateTimeOffset? From, DateTimeOffset? To, int? WarmUpMinutes);

/// <summary>
/// What <see cref="BacktestRequest.Rules"/> would have flagged among the stored transactions of the range, what the
/// compared rule set flags of them, and what the node recorded at the time (<see cref="RecordedFlagged"/>, by the
/// rule sets then in force). Warm-up transactions are scored to build state and not counted. Account state older
/// than the warm-up (first-seen values, the spending profile) is not known to a backtest, so first-seen and
/// amount-anomaly rules can fire more often in it than they did live.
/// </summary>
public sealed record BacktestResultDto(
    int RuleSetVersion,
    int AgainstVersion,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset WarmUpFrom,
    long WarmUpTransactions,
    long Transactions,
    int Accounts,
    long Flagged,
    long AgainstFlagged,
    long RecordedFlagged,
    IReadOnlyList<BacktestRuleDto> Rules,
    long NewlyFlagged,
    IReadOnlyList<string> NewlyFlaggedExamples,
    long NoLongerFlagged,
    IReadOnlyList<string> NoLongerFlaggedExamples,
    double Seconds)
{
    public static BacktestResultDto Of(
        BacktestReport report, DateTimeOffset from, DateTimeOffset to, DateTimeOffset warmUpFrom, long warmUp, long recordedFlagged, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(report);
        var against = report.Against!;
        return new(report.RuleSetVersion, against.Version, from, to, warmUpFrom, warmUp, report.Transactions, report.Accounts,
            report.Flagged, report.Flagged - against.NewlyFlagged + against.NoLongerFlagged, recordedFlagged,
            [.. report.Rules.Select(r => new BacktestRuleDto(r.RuleId, r.Kind, r.Weight, r.Fired))],
            against.NewlyFlagged, against.NewlyFlaggedExamples, against.NoLongerFlagged, against.NoLongerFlaggedExamples,
            Math.Round(elapsed.TotalSeconds, 3));
    }
}

/// <summary>One rule of the measured set: how many counted transactions it gave a reason for.</summary>
public sealed record BacktestRuleDto(string RuleId, string Kind, int Weight, long Fired);
