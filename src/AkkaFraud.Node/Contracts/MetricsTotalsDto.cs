namespace AkkaFraud.Node.Contracts;

public sealed record MetricsTotalsDto(long Scored, long Flagged, long DeadLettered);
