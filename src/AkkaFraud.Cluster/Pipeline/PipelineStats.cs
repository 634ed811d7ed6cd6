namespace AkkaFraud.Cluster.Pipeline;

/// <summary>Where this node's pipeline is: not started, running, restarting after a failure, or drained and stopped.</summary>
public enum PipelineState
{
    NotStarted,
    Running,
    Restarting,
    Stopped,
}

/// <summary>
/// This node's pipeline counters, read by the node itself (its per-second stats report and its readiness check); the
/// process-wide <see cref="PipelineMetrics"/> meter is for Prometheus. One instance per node (registered by
/// <see cref="FraudClusterHosting.AddFraudScoringServices"/>), updated by the pipeline alongside the meter. Thread-safe;
/// <see cref="TakeWindow"/> has one reader (the stats reporter), everything else may be read by anyone.
/// </summary>
public sealed class PipelineStats
{
    private readonly Lock _lock = new();
    private LatencyHistogram _latency = new();
    private long _consumed;
    private long _scored;
    private long _flagged;
    private long _deadLettered;
    private long _gaps;
    private long _windowConsumed;
    private long _windowScored;
    private long _windowFlagged;
    private long _windowDeadLettered;
    private long _windowGaps;
    private volatile PipelineState _state = PipelineState.NotStarted;

    public PipelineState State => _state;

    /// <summary>Records read from Kafka since the node started.</summary>
    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Valid transactions committed since the node started.</summary>
    public long Scored => Interlocked.Read(ref _scored);

    public long Flagged => Interlocked.Read(ref _flagged);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Retention gaps this node met since it started.</summary>
    public long IngestGaps => Interlocked.Read(ref _gaps);

    internal void RecordConsumed() => Interlocked.Increment(ref _consumed);

    internal void RecordGap() => Interlocked.Increment(ref _gaps);

    internal void SetState(PipelineState state) => _state = state;

    /// <summary>One committed batch: its counts and the ingest→commit latency of every record it committed.</summary>
    internal void RecordCommitted(int scored, int flagged, int deadLettered, IReadOnlyList<double> latenciesMs)
    {
        lock (_lock)
        {
            _scored += scored;
            _flagged += flagged;
            _deadLettered += deadLettered;
            foreach (var latency in latenciesMs)
            {
                _latency.Record(latency);
            }
        }
    }

    /// <summary>
    /// What happened since the previous call (the first call: since the node started), and the ingest→commit latencies
    /// of the records committed in that time. Call it at a fixed interval from one place.
    /// </summary>
    public PipelineStatsWindow TakeWindow()
    {
        lock (_lock)
        {
            var consumed = Interlocked.Read(ref _consumed);
            var gaps = Interlocked.Read(ref _gaps);
            var window = new PipelineStatsWindow(
                consumed - _windowConsumed,
                _scored - _windowScored,
                _flagged - _windowFlagged,
                _deadLettered - _windowDeadLettered,
                gaps - _windowGaps,
                _latency);
            (_windowConsumed, _windowScored, _windowFlagged, _windowDeadLettered, _windowGaps) = (consumed, _scored, _flagged, _deadLettered, gaps);
            _latency = new LatencyHistogram();
            return window;
        }
    }
}

/// <summary>A node's pipeline activity over one reporting window: counts and the ingest→commit latency distribution.</summary>
public sealed record PipelineStatsWindow(long Consumed, long Scored, long Flagged, long DeadLettered, long IngestGaps, LatencyHistogram Latency);

/// <summary>
/// A latency distribution in logarithmic buckets (each 5 % wider than the one before, from 0.1 ms to about 8 hours):
/// fixed memory whatever the rate, mergeable across nodes, quantiles within 5 %. Not thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Lower bound of bucket 1; bucket 0 holds everything below it.</summary>
    public const double MinMs = 0.1;

    public const int BucketCount = 400;

    private static readonly double LogGrowth = Math.Log(1.05);

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public void Record(double milliseconds)
    {
        _counts[BucketOf(milliseconds)]++;
        Count++;
    }

    /// <summary>Adds <paramref name="count"/> samples to bucket <paramref name="bucket"/> (for histograms that travelled sparse).</summary>
    public void Add(int bucket, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, BucketCount);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _counts[bucket] += count;
        Count += count;
    }

    public void Merge(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The non-empty buckets, ascending: compact enough to send once a second.</summary>
    public IEnumerable<(int Bucket, long Count)> NonEmptyBuckets()
    {
        for (var i = 0; i < BucketCount; i++)
        {
            if (_counts[i] > 0)
            {
                yield return (i, _counts[i]);
            }
        }
    }

    /// <summary>
    /// The value below which a share <paramref name="quantile"/> of the samples fall (the upper bound of the bucket
    /// that holds it, so at most 5 % high); null when there are no samples.
    /// </summary>
    public double? Quantile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return UpperBound(i);
            }
        }

        return UpperBound(BucketCount - 1);
    }

    internal static int BucketOf(double milliseconds)
    {
        if (!(milliseconds >= MinMs))
        {
            return 0;
        }

        var bucket = 1 + (int)(Math.Log(milliseconds / MinMs) / LogGrowth);
        return Math.Min(bucket, BucketCount - 1);
    }

    internal static double UpperBound(int bucket) => MinMs * Math.Pow(1.05, bucket);
}
