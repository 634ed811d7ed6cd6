using System.Globalization;
using System.Text;
using AkkaFraud.Domain;

namespace AkkaFraud.Simulator;

/// <summary>
/// How well verdicts match the simulator's labels, joined on transaction id. Definitions:
/// <list type="bullet">
/// <item>A transaction is <em>flagged</em> when its verdict is <see cref="Verdict.Flagged"/> (review or block).</item>
/// <item>A transaction is <em>fraud</em> when it has a <see cref="FraudLabel"/>, decisive or not: flagging a
/// card-test probe is no false alarm.</item>
/// <item><see cref="Precision"/> = flagged fraud transactions / flagged transactions.</item>
/// <item>Recall of a scenario = flagged decisive transactions of that scenario / decisive transactions of that
/// scenario (<see cref="FraudLabel.Decisive"/> says which ones a fraud system must stop); <see cref="Recall"/> is the
/// same over all scenarios.</item>
/// </list>
/// Each transaction counts once: verdicts marked <see cref="Verdict.IsDuplicate"/> are skipped, and labels of
/// transactions without a verdict (not scored) are ignored.
/// </summary>
public sealed class DetectionReport
{
    private DetectionReport(int transactions, int flagged, int fraud, int flaggedFraud, IReadOnlyList<ScenarioQuality> scenarios, IReadOnlyList<RuleQuality> rules)
    {
        Transactions = transactions;
        Flagged = flagged;
        Fraud = fraud;
        FlaggedFraud = flaggedFraud;
        Scenarios = scenarios;
        Rules = rules;
    }

    public int Transactions { get; }

    public int Flagged { get; }

    /// <summary>Scored transactions that are fraud (labelled).</summary>
    public int Fraud { get; }

    public int FlaggedFraud { get; }

    /// <summary>Flagged transactions that are not fraud: false alarms, customers inconvenienced.</summary>
    public int FalseAlarms => Flagged - FlaggedFraud;

    /// <summary>Flagged fraud / flagged; NaN when nothing was flagged.</summary>
    public double Precision => Ratio(FlaggedFraud, Flagged);

    /// <summary>Flagged decisive / decisive, over all scenarios; NaN when there is no decisive transaction.</summary>
    public double Recall => Ratio(Scenarios.Sum(s => s.Caught), Scenarios.Sum(s => s.Decisive));

    /// <summary>One row per scenario, in <see cref="FraudScenario"/> order, including scenarios that did not occur.</summary>
    public IReadOnlyList<ScenarioQuality> Scenarios { get; }

    /// <summary>One row per rule that fired at least once, in order of first firing.</summary>
    public IReadOnlyList<RuleQuality> Rules { get; }

    public ScenarioQuality this[FraudScenario scenario] => Scenarios[(int)scenario];

    public static DetectionReport Measure(IEnumerable<Verdict> verdicts, IEnumerable<FraudLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(labels);
        var labelById = new Dictionary<string, FraudLabel>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            labelById[label.TransactionId] = label;
        }

        var scenarios = FraudScenarios.All.Select(_ => new Tally()).ToArray();
        var rules = new Dictionary<string, (int Fired, int OnFraud)>(StringComparer.Ordinal);
        var ruleOrder = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int transactions = 0, flagged = 0, fraud = 0, flaggedFraud = 0;
        foreach (var verdict in verdicts)
        {
            if (verdict.IsDuplicate || !seen.Add(verdict.TransactionId))
            {
                continue;
            }

            transactions++;
            var label = labelById.GetValueOrDefault(verdict.TransactionId);
            flagged += verdict.Flagged ? 1 : 0;
            if (label is not null)
            {
                fraud++;
                flaggedFraud += verdict.Flagged ? 1 : 0;
                var tally = scenarios[(int)label.Scenario];
                tally.Incidents.Add(label.IncidentId);
                tally.Transactions++;
                tally.Decisive += label.Decisive ? 1 : 0;
                tally.Caught += label.Decisive && verdict.Flagged ? 1 : 0;
            }

            foreach (var reason in verdict.Reasons)
            {
                if (!rules.TryGetValue(reason.RuleId, out var counts))
                {
                    ruleOrder.Add(reason.RuleId);
                }

                rules[reason.RuleId] = (counts.Fired + 1, counts.OnFraud + (label is null ? 0 : 1));
            }
        }

        return new DetectionReport(transactions, flagged, fraud, flaggedFraud,
            [.. FraudScenarios.All.Select(s => scenarios[(int)s].ToQuality(s))],
            [.. ruleOrder.Select(id => new RuleQuality(id, rules[id].Fired, rules[id].OnFraud))]);
    }

    /// <summary>The report as a fixed-width table for logs and test output.</summary>
    public string ToTable(string title)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{title}: {Transactions:N0} transactions, {Fraud:N0} fraud, {Flagged:N0} flagged");
        table.AppendLine(CultureInfo.InvariantCulture, $"  {"scenario",-18} {"incidents",9} {"fraud tx",9} {"decisive",9} {"caught",7} {"recall",7}");
        foreach (var s in Scenarios)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"  {s.Scenario.ToCode(),-18} {s.Incidents,9:N0} {s.Transactions,9:N0} {s.Decisive,9:N0} {s.Caught,7:N0} {Format(s.Recall),7}");
        }

        table.AppendLine(CultureInfo.InvariantCulture,
            $"  {"all",-18} {Scenarios.Sum(s => s.Incidents),9:N0} {Fraud,9:N0} {Scenarios.Sum(s => s.Decisive),9:N0} {Scenarios.Sum(s => s.Caught),7:N0} {Format(Recall),7}");
        table.AppendLine(CultureInfo.InvariantCulture, $"  precision {Format(Precision)}: {FlaggedFraud:N0} of {Flagged:N0} flagged are fraud, {FalseAlarms:N0} false alarms");
        foreach (var rule in Rules)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"  rule {rule.RuleId,-18} fired {rule.Fired,7:N0}, on fraud {rule.OnFraud,7:N0}, precision {Format(rule.Precision)}");
        }

        return table.ToString();
    }

    internal static double Ratio(int part, int whole) => whole == 0 ? double.NaN : (double)part / whole;

    private static string Format(double ratio) => double.IsNaN(ratio) ? "-" : ratio.ToString("0.000", CultureInfo.InvariantCulture);

    private sealed class Tally
    {
        public HashSet<long> Incidents { get; } = [];

        public int Transactions { get; set; }

        public int Decisive { get; set; }

        public int Caught { get; set; }

        public ScenarioQuality ToQuality(FraudScenario scenario) => new(scenario, Incidents.Count, Transactions, Decisive, Caught);
    }
}

/// <summary>Detection of one scenario.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Incidents">Distinct incidents with at least one scored transaction.</param>
/// <param name="Transactions">Scored fraud transactions of the scenario, decisive or not.</param>
/// <param name="Decisive">Of those, the ones a fraud system must stop.</param>
/// <param name="Caught">Decisive ones that were flagged.</param>
public sealed record ScenarioQuality(FraudScenario Scenario, int Incidents, int Transactions, int Decisive, int Caught)
{
    /// <summary>Caught / decisive; NaN when the scenario has no decisive transaction.</summary>
    public double Recall => DetectionReport.Ratio(Caught, Decisive);
}

/// <summary>How often one rule fired, and how often on fraud.</summary>
/// <param name="RuleId">The rule's id.</param>
/// <param name="Fired">Transactions where the rule gave a reason (whether or not the score reached a threshold).</param>
/// <param name="OnFraud">Of those, the fraud ones.</param>
public sealed record RuleQuality(string RuleId, int Fired, int OnFraud)
{
    public double Precision => DetectionReport.Ratio(OnFraud, Fired);
}
