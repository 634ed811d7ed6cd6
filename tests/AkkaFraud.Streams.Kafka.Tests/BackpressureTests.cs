using Akka.Streams.TestKit;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class BackpressureTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    private const int HighWater = 100;

    [Fact]
    public async Task A_slow_downstream_keeps_each_partition_buffer_within_its_bound_by_pausing_and_resuming()
    {
        var topic = NewTopic(partitions: 2);
        var produced = await ProduceAsync(topic, count: 3000, keys: 64);
        using var pauses = new MetricRecorder("akkafraud.kafka.consumer.partition_pauses", topic);
        using var resumes = new MetricRecorder("akkafraud.kafka.consumer.partition_resumes", topic);
        var settings = Settings(consumer: c => c with { MaxBufferedRecordsPerPartition = HighWater, MaxBatchSize = 30 });

        var (control, probe) = KafkaSource.Create(settings, [topic], new InMemoryOffsetStore())
            .ToMaterialized(this.SinkProbe<KafkaRecord>(), Akka.Streams.Dsl.Keep.Both)
            .Run(Materializer);
        probe.EnsureSubscription();

        // No demand: each partition fills to the high-water mark, is paused, and stays there.
        await Eventually(() => control.BufferedRecords.Count == 2 && control.BufferedRecords.Values.All(b => b == HighWater), "both partition buffers are full");
        await Eventually(() => pauses.TotalFor(0) >= 1 && pauses.TotalFor(1) >= 1, "both partitions were paused");
        Assert.Equal(HighWater, control.PeakBufferedRecords);

        // Demand in small steps: buffers drain, partitions resume, refill and pause again, never beyond the bound.
        var received = new List<KafkaRecord>();
        while (received.Count < produced.Count)
        {
            probe.Request(25);
            received.AddRange(probe.ExpectNextN(25, Guard));
            Assert.All(control.BufferedRecords.Values, buffered => Assert.InRange(buffered, 0, HighWater));
        }

        Assert.Equal(HighWater, control.PeakBufferedRecords);
        Assert.True(resumes.TotalFor(0) >= 2 && resumes.TotalFor(1) >= 2, "each partition was resumed repeatedly");
        Assert.True(pauses.TotalFor(0) >= 2 && pauses.TotalFor(1) >= 2, "each partition was paused repeatedly");
        Assert.Equal(
            produced.Select(d => (d.Partition.Value, d.Offset.Value)).Order(),
            received.Select(r => (r.Partition, r.Offset)).Order());
        foreach (var partition in received.GroupBy(r => r.Partition))
        {
            Assert.Equal(partition.Select(r => r.Offset).Order(), partition.Select(r => r.Offset));
        }

        probe.Cancel();
        await control.Closed.WaitAsync(Guard);
    }
}
