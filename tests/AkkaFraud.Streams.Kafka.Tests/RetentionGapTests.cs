using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class RetentionGapTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task A_stored_offset_below_the_low_watermark_is_reported_once_as_a_gap_and_consumption_goes_on()
    {
        var topic = NewTopic(partitions: 2);
        var produced = await ProduceAsync(topic, count: 400, keys: 40);
        var perPartition = produced.GroupBy(d => d.Partition.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(perPartition.Values, count => Assert.True(count > 100));

        // Partition 0 was processed up to offset 10, then retention deleted everything below 60.
        var gapPartition = new TopicPartition(topic, 0);
        var store = new InMemoryOffsetStore();
        store.Store(gapPartition, 10);
        Kafka.DeleteRecords(topic, 0, beforeOffset: 60);

        using var gapMetric = new MetricRecorder("akkafraud.kafka.consumer.retention_gaps", topic);
        using var lostMetric = new MetricRecorder("akkafraud.kafka.consumer.retention_gap_offsets", topic);
        var listener = new RecordingListener { OnGap = store.RecordGap };
        var expected = perPartition[0] - 60 + perPartition[1];
        var (control, done) = RunIntoStore(Settings(), topic, store, listener);

        await Eventually(() => store.AppliedCount == expected, $"all {expected} retained records are applied");
        await control.DrainAndShutdownAsync(done).WaitAsync(Guard);

        var gap = Assert.Single(listener.Gaps);
        Assert.Equal(new RetentionGap(topic, 0, FirstMissingOffset: 10, ResumedOffset: 60), gap);
        Assert.Equal(50, gap.MissingOffsets);
        Assert.Equal([(1L, 0)], gapMetric.Measurements);
        Assert.Equal(50, lostMetric.Total);

        // Partition 0 resumed exactly at the low watermark; partition 1 was untouched.
        var applied = store.Applied.Keys.ToList();
        Assert.Equal(Enumerable.Range(60, perPartition[0] - 60).Select(o => (long)o), applied.Where(a => a.Partition.Partition.Value == 0).Select(a => a.Offset).Order());
        Assert.Equal(perPartition[1], applied.Count(a => a.Partition.Partition.Value == 1));
    }

    [Fact]
    public async Task A_stored_offset_beyond_the_end_of_the_partition_fails_the_stream_instead_of_guessing()
    {
        var topic = NewTopic(partitions: 1);
        await ProduceAsync(topic, count: 10);
        var store = new InMemoryOffsetStore();
        store.Store(new TopicPartition(topic, 0), 500);

        var (control, done) = KafkaSource.Create(Settings(), [topic], store)
            .ToMaterialized(Sink.Ignore<KafkaRecord>(), Keep.Both)
            .Run(Materializer);

        var failure = await Assert.ThrowsAsync<KafkaException>(() => done.WaitAsync(Guard));
        Assert.Equal(ErrorCode.OffsetOutOfRange, failure.Error.Code);
        Assert.Contains("beyond the partition's end", failure.Message, StringComparison.Ordinal);
        await control.Closed.WaitAsync(Guard);
    }
}
