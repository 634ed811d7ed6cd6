using System.Collections.Immutable;
using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Tests;

public sealed class Detection_report
{
    private static Verdict Verdict(string id, Decision decision, params string[] rules) => new()
    {
        TransactionId = id,
        AccountId = "a",
        Score = decision == Decision.Approve ? 0 : 60,
        Decision = decision,
        Reasons = [.. rules.Select(r => new Reason(r, RuleKind.Threshold, 1, 0, 60, r))],
        RuleSetVersion = 1,
    };

    private static FraudLabel Label(string id, FraudScenario scenario, long incident, bool decisive) => new(id, "a", scenario, incident, decisive);

    [Fact]
    public void Precision_counts_every_labelled_transaction_and_recall_only_the_decisive_ones()
    {
        Verdict[] verdicts =
        [
            Verdict("probe-1", Decision.Review, "r"), // fraud, not decisive, flagged: a true alarm
            Verdict("probe-2", Decision.Approve),
            Verdict("cash-out", Decision.Block, "r"),
            Verdict("big-1", Decision.Review, "r"),
            Verdict("big-2", Decision.Approve),
            Verdict("honest-1", Decision.Review, "r", "s"), // a false alarm
            Verdict("honest-2", Decision.Approve),
        ];
        FraudLabel[] labels =
        [
            Label("probe-1", FraudScenario.CardTesting, 1, decisive: false),
            Label("probe-2", FraudScenario.CardTesting, 1, decisive: false),
            Label("cash-out", FraudScenario.CardTesting, 1, decisive: true),
            Label("big-1", FraudScenario.LargeAmount, 2, decisive: true),
            Label("big-2", FraudScenario.LargeAmount, 3, decisive: true),
        ];

        var report = DetectionReport.Measure(verdicts, labels);

        Assert.Equal((7, 4, 5, 3, 1), (report.Transactions, report.Flagged, report.Fraud, report.FlaggedFraud, report.FalseAlarms));
        Assert.Equal(0.75, report.Precision);
        Assert.Equal(new ScenarioQuality(FraudScenario.CardTesting, 1, 3, 1, 1), report[FraudScenario.CardTesting]);
        Assert.Equal(new ScenarioQuality(FraudScenario.LargeAmount, 2, 2, 2, 1), report[FraudScenario.LargeAmount]);
        Assert.Equal(0.5, report[FraudScenario.LargeAmount].Recall);
        Assert.Equal(2 / 3.0, report.Recall, 12);
        Assert.True(double.IsNaN(report[FraudScenario.VelocityBurst].Recall));
        Assert.Equal([new RuleQuality("r", 4, 3), new RuleQuality("s", 1, 0)], report.Rules);
    }

    [Fact]
    public void Duplicates_and_labels_without_a_verdict_do_not_count()
    {
        Verdict[] verdicts =
        [
            Verdict("t-1", Decision.Review, "r"),
            Verdict("t-1", Decision.Review, "r"),
            Verdict("t-2", Decision.Approve) with { IsDuplicate = true },
        ];

        var report = DetectionReport.Measure(verdicts, [Label("t-1", FraudScenario.VelocityBurst, 1, true), Label("t-3", FraudScenario.VelocityBurst, 1, true)]);

        Assert.Equal((1, 1, 1), (report.Transactions, report.Flagged, report.Fraud));
        Assert.Equal(1, report[FraudScenario.VelocityBurst].Decisive);
        Assert.Equal(1.0, report.Recall);
    }

    [Fact]
    public void Nothing_flagged_has_no_precision_and_the_table_says_so()
    {
        var report = DetectionReport.Measure([Verdict("t-1", Decision.Approve)], []);

        Assert.True(double.IsNaN(report.Precision));
        Assert.Contains("precision -:", report.ToTable("empty"), StringComparison.Ordinal);
        Assert.Equal(FraudScenarios.All.Count, report.Scenarios.Count);
    }
}
