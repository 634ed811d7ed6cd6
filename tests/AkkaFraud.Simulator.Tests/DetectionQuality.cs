using AkkaFraud.Domain;
using Xunit.Abstractions;

namespace AkkaFraud.Simulator.Tests;

/// <summary>
/// How well the rule sets catch the simulator's fraud, on twenty days of 4,000 accounts with every scenario present
/// (<see cref="Traffic.WithHistory"/>): every transaction is scored, and the second half counts, so that accounts are
/// measured with the history a bank has of them (on the first day every payee and device is new). Definitions (see
/// <see cref="DetectionReport"/>): a
/// transaction is flagged when its verdict is review or block; precision = flagged fraud / flagged, where every
/// labelled transaction is fraud; a scenario's recall = flagged decisive / decisive transactions of the scenario.
/// Decisive are: the large purchase; a burst's transactions after its first five; the first use far away after a
/// skim; the purchase after the card-test probes; every transfer of a takeover; every payment out of a mule.
/// </summary>
public sealed class Detection_quality_on_simulated_traffic(ITestOutputHelper output)
{
    private static readonly Lazy<DetectionReport> Default = new(() => Measure(RuleSet.Default));
    private static readonly Lazy<DetectionReport> Seed = new(() => Measure(RuleSet.Seed));

    [Fact]
    public void The_default_rules_catch_nine_in_ten_of_each_pattern_at_a_precision_of_at_least_0_9()
    {
        var report = Default.Value;
        output.WriteLine(report.ToTable("RuleSet.Default"));
        output.WriteLine(Seed.Value.ToTable("RuleSet.Seed (amount > 9000)"));

        Assert.All(FraudScenarios.All, s => Assert.True(report[s].Incidents >= 100, $"only {report[s].Incidents} incidents of {s}: too few to measure"));
        Assert.All(FraudScenarios.All, s => Assert.InRange(report[s].Recall, 0.9, 1));
        Assert.InRange(report.Precision, 0.9, 1);
    }

    [Fact]
    public void The_seed_rule_catches_large_amounts_and_next_to_nothing_else()
    {
        var report = Seed.Value;
        output.WriteLine(report.ToTable("RuleSet.Seed (amount > 9000)"));

        Assert.InRange(report[FraudScenario.LargeAmount].Recall, 0.9, 1);
        Assert.All(new[] { FraudScenario.VelocityBurst, FraudScenario.ImpossibleTravel, FraudScenario.CardTesting },
            s => Assert.InRange(report[s].Recall, 0, 0.05));
        Assert.InRange(report.Recall, 0, Default.Value.Recall / 3);
    }

    [Fact]
    public void Honest_customers_cause_the_false_alarms_that_keep_precision_below_one()
    {
        // Big legitimate purchases and the customer's own payment at home after a card was used far away: the
        // simulator's honesty about precision. Without them, precision would say nothing.
        var counted = Traffic.WithHistory.Skip(Traffic.WithHistory.Count / 2).ToList();
        var legitimateOverTheLimit = counted.Count(t => t.Label is null && t.Transaction.Amount > 9000);

        Assert.InRange(legitimateOverTheLimit, 10, counted.Count / 1_000);
        Assert.True(Seed.Value.FalseAlarms >= legitimateOverTheLimit);
        Assert.True(Default.Value.FalseAlarms > Seed.Value.FalseAlarms);
    }

    /// <summary>Scores all of <see cref="Traffic.WithHistory"/>, counts the second half.</summary>
    private static DetectionReport Measure(RuleSet ruleSet)
    {
        var traffic = Traffic.WithHistory;
        var verdicts = RuleEngine.Replay(traffic.Only(), ruleSet);
        var counted = traffic.Count / 2;
        return DetectionReport.Measure(verdicts.Skip(counted), traffic.Skip(counted).Labels());
    }
}
