using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Domain;
using AkkaFraud.Node.Live;

namespace AkkaFraud.Node.Tests;

public sealed class Metrics_aggregation
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static ScorerStatsReport Report(string node, long scored, long flagged, params double[] latencies)
    {
        var histogram = new LatencyHistogram();
        foreach (var latency in latencies)
        {
            histogram.Record(latency);
        }

        return ScorerStatsReport.From(node, T0, new PipelineStatsWindow(scored + 1, scored, flagged, 1, 0, histogram));
    }

    private static FraudAlert Alert(string account, int score, params string[] rules) => new(
        new Transaction
        {
            TransactionId = Guid.NewGuid().ToString("N"), AccountId = account, EventTime = T0, Amount = 10, Currency = "EUR",
            Type = TransactionType.Purchase, Channel = Channel.Pos, Country = "DE",
        },
        new Verdict
        {
            TransactionId = "t", AccountId = account, Score = score, Decision = Decision.Review, RuleSetVersion = 1,
            Reasons = [.. rules.Select(r => new Reason(r, RuleKind.Threshold, 1, 0, 60, r))],
        });

    [Fact]
    public void Nodes_reports_add_up_and_percentiles_come_from_the_merged_distribution()
    {
        var clock = new ManualClock(T0);
        var aggregator = new MetricsAggregator(clock);
        aggregator.OnReport(Report("a", scored: 100, flagged: 10, [.. Enumerable.Repeat(10.0, 98)]));
        aggregator.OnReport(Report("b", scored: 300, flagged: 2, [.. Enumerable.Repeat(1000.0, 2)]));
        aggregator.ConsumerLag = 42;

        var snapshot = aggregator.Snapshot();

        Assert.Equal(2, snapshot.ScorerNodes);
        Assert.Equal(400, snapshot.ScoredPerSecond);
        Assert.Equal(402, snapshot.ConsumedPerSecond);
        Assert.Equal(12, snapshot.FlaggedPerSecond);
        Assert.Equal(2, snapshot.DeadLetteredPerSecond);
        Assert.Equal(12.0 / 400, snapshot.FlagRate);
        Assert.InRange(snapshot.P50LatencyMs!.Value, 10, 10.5);
        Assert.InRange(snapshot.P99LatencyMs!.Value, 1000, 1050);
        Assert.Equal(42, snapshot.ConsumerLag);
        Assert.Equal(new Contracts.MetricsTotalsDto(400, 12, 2), snapshot.Totals);
    }

    [Fact]
    public void A_report_counts_in_one_snapshot_only_and_a_silent_node_stops_counting()
    {
        var clock = new ManualClock(T0);
        var aggregator = new MetricsAggregator(clock);
        aggregator.OnReport(Report("a", 100, 0));
        Assert.Equal(100, aggregator.Snapshot().ScoredPerSecond);

        clock.Now += TimeSpan.FromSeconds(1);
        var again = aggregator.Snapshot();
        Assert.Equal(0, again.ScoredPerSecond);
        Assert.Equal(1, again.ScorerNodes);
        Assert.Null(again.P99LatencyMs);
        Assert.Equal(0, again.FlagRate);

        clock.Now += MetricsAggregator.StaleAfter;
        var stale = aggregator.Snapshot();
        Assert.Equal(0, stale.ScorerNodes);
        Assert.Equal(100, stale.Totals.Scored);
    }

    [Fact]
    public void Rule_hits_and_top_accounts_cover_the_last_five_minutes()
    {
        var clock = new ManualClock(T0);
        var aggregator = new MetricsAggregator(clock);
        aggregator.OnAlert(Alert("old", 90, "large-amount"));
        clock.Now += TimeSpan.FromMinutes(3);
        aggregator.OnAlert(Alert("x", 60, "velocity-burst"));
        aggregator.OnAlert(Alert("x", 80, "velocity-burst", "card-testing"));
        aggregator.OnAlert(Alert("y", 70, "velocity-burst"));

        var snapshot = aggregator.Snapshot();
        Assert.Equal(["velocity-burst", "card-testing", "large-amount"], snapshot.RuleHits.Select(r => r.RuleId));
        Assert.Equal(3, snapshot.RuleHits[0].Count);
        // Ties (one alert each) go to the more recent.
        Assert.Equal(["x", "y", "old"], snapshot.TopAccounts.Select(a => a.AccountId));
        Assert.Equal((2, 80), (snapshot.TopAccounts[0].Alerts, snapshot.TopAccounts[0].MaxScore));

        clock.Now += TimeSpan.FromMinutes(2.5);
        var later = aggregator.Snapshot();
        Assert.DoesNotContain(later.RuleHits, r => r.RuleId == "large-amount");
        Assert.DoesNotContain(later.TopAccounts, a => a.AccountId == "old");
        Assert.Equal(3, later.RuleHits.Single(r => r.RuleId == "velocity-burst").Count);
    }
}
