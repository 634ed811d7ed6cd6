using AkkaFraud.Cluster.Pipeline;

namespace AkkaFraud.Node.Live;

/// <summary>
/// One scorer node's pipeline activity over the last second, published on <see cref="Topic"/> for the web nodes:
/// counts, and the ingest→commit latencies as sparse <see cref="LatencyHistogram"/> buckets (so the web nodes can
/// merge the nodes' distributions into true cluster-wide percentiles).
/// </summary>
public sealed record ScorerStatsReport(
    string Node,
    DateTimeOffset At,
    long Consumed,
    long Scored,
    long Flagged,
    long DeadLettered,
    long IngestGaps,
    IReadOnlyList<LatencyBucket> Latency)
{
    public const string Topic = "scorer-stats";

    public static ScorerStatsReport From(string node, DateTimeOffset at, PipelineStatsWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new(node, at, window.Consumed, window.Scored, window.Flagged, window.DeadLettered, window.IngestGaps,
            [.. window.Latency.NonEmptyBuckets().Select(b => new LatencyBucket(b.Bucket, b.Count))]);
    }

    public LatencyHistogram Histogram()
    {
        var histogram = new LatencyHistogram();
        foreach (var bucket in Latency)
        {
            histogram.Add(bucket.Bucket, bucket.Count);
        }

        return histogram;
    }
}

public readonly record struct LatencyBucket(int Bucket, long Count);
