namespace AkkaFraud.Cluster.Pipeline;

/// <summary>A node's pipeline activity over one reporting window: counts and the ingest→commit latency distribution.</summary>
public sealed record PipelineStatsWindow(long Consumed, long Scored, long Flagged, long DeadLettered, long IngestGaps, LatencyHistogram Latency);
