namespace AkkaFraud.Cluster.Pipeline;

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
