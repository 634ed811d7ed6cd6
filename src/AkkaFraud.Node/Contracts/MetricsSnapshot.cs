namespace AkkaFraud.Node.Contracts;

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
