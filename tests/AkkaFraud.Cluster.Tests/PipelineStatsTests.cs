using AkkaFraud.Cluster.Pipeline;

namespace AkkaFraud.Cluster.Tests;

public sealed class PipelineStatsTests
{
    [Fact]
    public void A_window_holds_what_happened_since_the_previous_window_and_totals_keep_counting()
    {
        var stats = new PipelineStats();
        for (var i = 0; i < 7; i++)
        {
            stats.RecordConsumed();
        }

        stats.RecordCommitted(scored: 5, flagged: 2, deadLettered: 1, writeMs: 12, [10, 20, 30, 40, 50, 60]);
        stats.RecordGap();

        var first = stats.TakeWindow();
        Assert.Equal((7, 5, 2, 1, 1), (first.Consumed, first.Scored, first.Flagged, first.DeadLettered, first.IngestGaps));
        Assert.Equal(6, first.Latency.Count);

        stats.RecordConsumed();
        stats.RecordCommitted(scored: 1, flagged: 0, deadLettered: 0, writeMs: 3, [5]);
        var second = stats.TakeWindow();
        Assert.Equal((1, 1, 0, 0, 0), (second.Consumed, second.Scored, second.Flagged, second.DeadLettered, second.IngestGaps));
        Assert.Equal(1, second.Latency.Count);

        Assert.Equal((8, 6, 2, 1, 1), (stats.Consumed, stats.Scored, stats.Flagged, stats.DeadLettered, stats.IngestGaps));
        Assert.Equal(0, stats.TakeWindow().Latency.Count);
        Assert.Equal((2L, 15.0), stats.BatchWrites);
    }

    [Fact]
    public void Quantiles_are_at_most_five_percent_above_the_exact_value()
    {
        var histogram = new LatencyHistogram();
        var values = Enumerable.Range(1, 10_000).Select(i => i * 0.37).ToArray();
        foreach (var value in values)
        {
            histogram.Record(value);
        }

        foreach (var q in new[] { 0.5, 0.9, 0.99, 1.0 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            var estimate = histogram.Quantile(q)!.Value;
            Assert.InRange(estimate, exact, exact * 1.05);
        }
    }

    [Fact]
    public void Histograms_merged_from_their_sparse_buckets_equal_one_histogram_of_all_samples()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        var random = new Random(3);
        for (var i = 0; i < 5_000; i++)
        {
            var value = random.NextDouble() * 2_000;
            (i % 3 == 0 ? a : b).Record(value);
            all.Record(value);
        }

        var merged = new LatencyHistogram();
        foreach (var (bucket, count) in a.NonEmptyBuckets().Concat(b.NonEmptyBuckets()))
        {
            merged.Add(bucket, count);
        }

        Assert.Equal(all.NonEmptyBuckets(), merged.NonEmptyBuckets());
        Assert.Equal(all.Quantile(0.99), merged.Quantile(0.99));
        Assert.Null(new LatencyHistogram().Quantile(0.5));
    }

    [Fact]
    public void Values_outside_the_range_land_in_the_first_and_last_buckets()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-3);
        histogram.Record(double.NaN);
        histogram.Record(1e12);
        Assert.Equal([(0, 2L), (LatencyHistogram.BucketCount - 1, 1L)], histogram.NonEmptyBuckets());
    }
}
