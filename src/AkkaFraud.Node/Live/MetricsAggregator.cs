using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Domain;
using AkkaFraud.Node.Contracts;

namespace AkkaFraud.Node.Live;

/// <summary>
/// Turns the scorer nodes' per-second reports and the alert stream into the cluster-wide <see cref="MetricsSnapshot"/>:
/// the latest report of each node (a node silent for <see cref="StaleAfter"/> no longer counts), totals since this
/// web node started, rule hits and top accounts over the last <see cref="AlertWindow"/>. Used by one actor; not
/// thread-safe, except <see cref="ConsumerLag"/>, which the lag probe sets from its own thread.
/// </summary>
internal sealed class MetricsAggregator(TimeProvider clock)
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan AlertWindow = TimeSpan.FromMinutes(5);

    /// <summary>Alerts remembered for the rule and account tables; beyond this (a flood) the oldest are forgotten early.</summary>
    public const int MaxRememberedAlerts = 200_000;

    private readonly Dictionary<string, (ScorerStatsReport Report, DateTimeOffset ReceivedAt, bool Counted)> _latest = new(StringComparer.Ordinal);
    private readonly Queue<RememberedAlert> _alerts = new();
    private readonly Dictionary<string, long> _ruleHits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountAlerts> _accounts = new(StringComparer.Ordinal);
    private long _scored;
    private long _flagged;
    private long _deadLettered;
    private long _gaps;
    private long _lag;

    private sealed record RememberedAlert(DateTimeOffset At, string AccountId, int Score, string[] RuleIds);

    private sealed class AccountAlerts
    {
        public long Alerts { get; set; }

        /// <summary>Scores of the remembered alerts, for the maximum once the highest expires.</summary>
        public List<(DateTimeOffset At, int Score)> Scores { get; } = [];

        public DateTimeOffset LastAlertAt { get; set; }
    }

    /// <summary>Records behind, summed over the transactions topic's partitions (set by the lag probe).</summary>
    public long ConsumerLag
    {
        get => Interlocked.Read(ref _lag);
        set => Interlocked.Exchange(ref _lag, value);
    }

    public void OnReport(ScorerStatsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _latest[report.Node] = (report, clock.GetUtcNow(), false);
        _scored += report.Scored;
        _flagged += report.Flagged;
        _deadLettered += report.DeadLettered;
        _gaps += report.IngestGaps;
    }

    /// <summary>A node left the cluster: its last report stops counting at once.</summary>
    public void OnNodeRemoved(string node) => _latest.Remove(node);

    public void OnAlert(FraudAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var now = clock.GetUtcNow();
        var remembered = new RememberedAlert(now, alert.Transaction.AccountId, alert.Verdict.Score, [.. alert.Verdict.Reasons.Select(r => r.RuleId)]);
        _alerts.Enqueue(remembered);
        foreach (var rule in remembered.RuleIds)
        {
            _ruleHits[rule] = _ruleHits.GetValueOrDefault(rule) + 1;
        }

        if (!_accounts.TryGetValue(remembered.AccountId, out var account))
        {
            _accounts[remembered.AccountId] = account = new AccountAlerts();
        }

        account.Alerts++;
        account.Scores.Add((now, remembered.Score));
        account.LastAlertAt = now;
        while (_alerts.Count > MaxRememberedAlerts)
        {
            Forget(_alerts.Dequeue());
        }
    }

    public MetricsSnapshot Snapshot()
    {
        var now = clock.GetUtcNow();
        while (_alerts.TryPeek(out var oldest) && now - oldest.At > AlertWindow)
        {
            Forget(_alerts.Dequeue());
        }

        long consumed = 0, scored = 0, flagged = 0, deadLettered = 0;
        var latency = new LatencyHistogram();
        var fresh = 0;
        foreach (var (node, (report, receivedAt, counted)) in _latest.ToList())
        {
            if (now - receivedAt > StaleAfter)
            {
                _latest.Remove(node);
                continue;
            }

            fresh++;
            if (counted)
            {
                // No new report from this node since the last snapshot: nothing new to add for the last second.
                continue;
            }

            _latest[node] = (report, receivedAt, true);
            consumed += report.Consumed;
            scored += report.Scored;
            flagged += report.Flagged;
            deadLettered += report.DeadLettered;
            latency.Merge(report.Histogram());
        }

        return new MetricsSnapshot(
            now,
            fresh,
            consumed,
            scored,
            flagged,
            deadLettered,
            scored == 0 ? 0 : (double)flagged / scored,
            Round(latency.Quantile(0.5)),
            Round(latency.Quantile(0.99)),
            ConsumerLag,
            new MetricsTotalsDto(_scored, _flagged, _deadLettered),
            [.. _ruleHits.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new RuleHitDto(kv.Key, kv.Value))],
            [.. _accounts.OrderByDescending(kv => kv.Value.Alerts).ThenByDescending(kv => kv.Value.LastAlertAt).Take(10)
                .Select(kv => new TopAccountDto(kv.Key, kv.Value.Alerts, kv.Value.Scores.Max(s => s.Score), kv.Value.LastAlertAt))],
            _gaps);
    }

    private void Forget(RememberedAlert alert)
    {
        foreach (var rule in alert.RuleIds)
        {
            if ((_ruleHits[rule] -= 1) == 0)
            {
                _ruleHits.Remove(rule);
            }
        }

        var account = _accounts[alert.AccountId];
        account.Alerts--;
        account.Scores.RemoveAt(0);
        if (account.Alerts == 0)
        {
            _accounts.Remove(alert.AccountId);
        }
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;
}
