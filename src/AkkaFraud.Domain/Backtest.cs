using System.Collections.Immutable;

namespace AkkaFraud.Domain;

/// <summary>
/// One transaction to backtest, with what is known about it: <paramref name="Label"/> is null for a legitimate one, or
/// the fraud's class (a scenario name, or <see cref="Backtest.FraudClass"/> when the data only says "fraud");
/// <paramref name="Labelled"/> says whether the input carries labels at all. A <paramref name="WarmUp"/> record only
/// builds its account's state (the history before the range measured): it is scored and not counted.
/// </summary>
public sealed record BacktestRecord(Transaction Transaction, string? Label, bool Labelled, bool WarmUp = false);

/// <summary>
/// <see cref="Backtest.Run"/> one record at a time, for a caller that reads them asynchronously (the warehouse):
/// every account's state for the measured rule set and the compared one, and the counts so far.
/// </summary>
public sealed class Backtester
{
    private readonly Dictionary<string, (AccountState Measured, AccountState? Compared)> _states = new(StringComparer.Ordinal);
    private readonly RuleSet _ruleSet;
    private readonly RuleSet? _against;
    private readonly Backtest.Tally _tally;

    public Backtester(RuleSet ruleSet, RuleSet? against = null)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        (_ruleSet, _against) = (ruleSet, against);
        _tally = new Backtest.Tally(ruleSet, against);
    }

    /// <summary>Scores the record with both rule sets on its account's states and, unless it is warm-up, counts it.</summary>
    /// <returns>The measured rule set's verdict.</returns>
    public Verdict Add(BacktestRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var transaction = record.Transaction;
        if (!_states.TryGetValue(transaction.AccountId, out var state))
        {
            state = (new AccountState(), _against is null ? null : new AccountState());
            _states.Add(transaction.AccountId, state);
        }

        var verdict = RuleEngine.Apply(state.Measured, transaction, _ruleSet);
        var compared = _against is null ? null : RuleEngine.Apply(state.Compared!, transaction, _against);
        if (!record.WarmUp)
        {
            _tally.Add(record, verdict, compared);
        }

        return verdict;
    }

    public BacktestReport Report() => _tally.Report(_states.Count);
}

/// <summary>
/// What a rule set would have said about recorded transactions: <see cref="RuleEngine.Replay(IEnumerable{Transaction}, RuleSet)"/>'s verdicts (the
/// same engine as the cluster's, per account in input order), counted per rule, and measured against labels when
/// the input has them. With a second rule set it also tells what changes between them.
/// </summary>
public static class Backtest
{
    /// <summary>The class of a fraud label that carries no scenario (a 1, true, yes).</summary>
    public const string FraudClass = "fraud";

    /// <summary>How many example transaction ids a difference keeps.</summary>
    public const int Examples = 10;

    /// <param name="records">In the order the accounts saw them.</param>
    /// <param name="ruleSet">The rule set to measure.</param>
    /// <param name="against">The rule set to compare with (typically the one in force), or null.</param>
    /// <param name="onVerdict">Each verdict of <paramref name="ruleSet"/> as it is made (a verdicts file, a progress count).</param>
    public static BacktestReport Run(IEnumerable<BacktestRecord> records, RuleSet ruleSet, RuleSet? against = null, Action<BacktestRecord, Verdict>? onVerdict = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var backtest = new Backtester(ruleSet, against);
        foreach (var record in records)
        {
            var verdict = backtest.Add(record);
            if (!record.WarmUp)
            {
                onVerdict?.Invoke(record, verdict);
            }
        }

        return backtest.Report();
    }

    internal sealed class Tally(RuleSet ruleSet, RuleSet? against)
    {
        private readonly Dictionary<string, RuleCounts> _rules = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, ClassCounts> _classes = new(StringComparer.Ordinal);
        private readonly List<string> _newlyFlagged = [];
        private readonly List<string> _noLongerFlagged = [];
        private long _transactions, _duplicates, _flagged, _fraud, _flaggedFraud, _newly, _noLonger;
        private bool _labelled;

        public void Add(BacktestRecord record, Verdict verdict, Verdict? compared)
        {
            if (verdict.IsDuplicate)
            {
                _duplicates++;
                return;
            }

            _transactions++;
            _labelled |= record.Labelled;
            var fraud = record.Label is not null;
            _flagged += verdict.Flagged ? 1 : 0;
            if (fraud)
            {
                _fraud++;
                _flaggedFraud += verdict.Flagged ? 1 : 0;
                if (!_classes.TryGetValue(record.Label!, out var counts))
                {
                    counts = new ClassCounts();
                    _classes.Add(record.Label!, counts);
                }

                counts.Transactions++;
                counts.Caught += verdict.Flagged ? 1 : 0;
            }

            foreach (var reason in verdict.Reasons)
            {
                if (!_rules.TryGetValue(reason.RuleId, out var counts))
                {
                    counts = new RuleCounts();
                    _rules.Add(reason.RuleId, counts);
                }

                counts.Fired++;
                counts.OnFraud += fraud ? 1 : 0;
            }

            if (compared is not null && compared.Flagged != verdict.Flagged)
            {
                var (count, examples) = verdict.Flagged ? (++_newly, _newlyFlagged) : (++_noLonger, _noLongerFlagged);
                if (examples.Count < Examples)
                {
                    examples.Add(verdict.TransactionId);
                }
            }
        }

        public BacktestReport Report(int accounts) => new()
        {
            RuleSetVersion = ruleSet.Version,
            Transactions = _transactions,
            Accounts = accounts,
            Duplicates = _duplicates,
            Flagged = _flagged,
            Labelled = _labelled,
            Fraud = _fraud,
            FlaggedFraud = _flaggedFraud,
            // Every rule of the set, fired or not, in the set's order: a rule that never fires is news too.
            Rules = [.. ruleSet.Rules.Select(r => (r, _rules.GetValueOrDefault(r.Id) ?? new RuleCounts()))
                .Select(x => new BacktestRule(x.r.Id, WireNames.RuleKind(x.r.Kind), x.r.Weight, x.Item2.Fired, x.Item2.OnFraud, _fraud))],
            Classes = [.. _classes.Select(c => new BacktestClass(c.Key, c.Value.Transactions, c.Value.Caught))],
            Against = against is null ? null : new BacktestDifference(against.Version, _newly, [.. _newlyFlagged], _noLonger, [.. _noLongerFlagged]),
        };
    }

    private sealed class RuleCounts
    {
        public long Fired { get; set; }

        public long OnFraud { get; set; }
    }

    private sealed class ClassCounts
    {
        public long Transactions { get; set; }

        public long Caught { get; set; }
    }
}

/// <summary>
/// A backtest's result. Each transaction counts once (re-sent ids are <see cref="Duplicates"/>); flagged means a
/// review or block verdict; with labels, precision = flagged fraud / flagged and recall = flagged fraud / fraud.
/// Ratios are NaN where their denominator is 0, and all of them when the input had no labels.
/// </summary>
public sealed record BacktestReport
{
    public required int RuleSetVersion { get; init; }
    public required long Transactions { get; init; }
    public required int Accounts { get; init; }
    public required long Duplicates { get; init; }
    public required long Flagged { get; init; }

    /// <summary>Whether the input carried labels; without them only counts are known.</summary>
    public required bool Labelled { get; init; }

    public required long Fraud { get; init; }
    public required long FlaggedFraud { get; init; }
    public required ImmutableArray<BacktestRule> Rules { get; init; }

    /// <summary>Per fraud class (scenario) in the labels, by name.</summary>
    public required ImmutableArray<BacktestClass> Classes { get; init; }

    /// <summary>The difference from the other rule set, when there was one.</summary>
    public BacktestDifference? Against { get; init; }

    public double Precision => Labelled ? Ratio(FlaggedFraud, Flagged) : double.NaN;

    public double Recall => Labelled ? Ratio(FlaggedFraud, Fraud) : double.NaN;

    public double F1 => HarmonicMean(Precision, Recall);

    internal static double Ratio(long part, long whole) => whole == 0 ? double.NaN : (double)part / whole;

    internal static double HarmonicMean(double precision, double recall) =>
        double.IsNaN(precision) || double.IsNaN(recall) ? double.NaN
        : precision + recall == 0 ? 0
        : 2 * precision * recall / (precision + recall);
}

/// <summary>
/// One rule's share of a backtest: transactions it gave a reason for (whether or not the score flagged them), and
/// how many of those were fraud. Its precision is OnFraud / Fired, its recall OnFraud / all fraud. An allow rule
/// (negative weight) speaks for the transactions it fires on, so its ratios are NaN: its OnFraud is the fraud it
/// discounted, its error.
/// </summary>
public sealed record BacktestRule(string RuleId, string Kind, int Weight, long Fired, long OnFraud, long AllFraud)
{
    public bool IsAllowRule => Weight < 0;

    public double Precision => IsAllowRule ? double.NaN : BacktestReport.Ratio(OnFraud, Fired);

    public double Recall => IsAllowRule ? double.NaN : BacktestReport.Ratio(OnFraud, AllFraud);

    public double F1 => BacktestReport.HarmonicMean(Precision, Recall);
}

/// <summary>One fraud class: its transactions, and how many of them were flagged.</summary>
public sealed record BacktestClass(string Label, long Transactions, long Caught)
{
    public double Recall => BacktestReport.Ratio(Caught, Transactions);
}

/// <summary>What changes from the other rule set: transactions flagged now and not then, and the reverse, with examples.</summary>
public sealed record BacktestDifference(int Version, long NewlyFlagged, ImmutableArray<string> NewlyFlaggedExamples, long NoLongerFlagged, ImmutableArray<string> NoLongerFlaggedExamples);
