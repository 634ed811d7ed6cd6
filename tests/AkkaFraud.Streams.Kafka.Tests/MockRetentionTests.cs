using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

/// <summary>The mock keeps ~5 MiB per partition: what that means, and how the bounded-lag producer works around it.</summary>
public sealed class MockRetentionTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    private const int ValueBytes = 1000;
    private const int Records = 8000; // ~8 MB in one partition: more than it retains

    [Fact]
    public async Task A_bounded_lag_producer_moves_more_than_a_partition_retains_without_losing_a_record()
    {
        var topic = NewTopic(partitions: 1);
        using var producer = new BoundedLagProducer(Kafka.BootstrapServers, topic, BoundedLagProducer.SafeMaxLag(1, ValueBytes + 16));
        var listener = new RecordingListener();

        var (control, received) = KafkaSource.Create(Settings(), [topic], new InMemoryOffsetStore(), listener)
            .Select(record =>
            {
                producer.MarkConsumed();
                return record.Offset;
            })
            .Take(Records)
            .ToMaterialized(Sink.Seq<long>(), Keep.Both)
            .Run(Materializer);
        await producer.ProduceAsync(Records, Message).WaitAsync(Guard);
        var offsets = await received.WaitAsync(Guard);
        await control.Closed.WaitAsync(Guard);

        Assert.Equal(Enumerable.Range(0, Records).Select(o => (long)o), offsets);
        Assert.Empty(listener.Gaps);
        Assert.Equal(Records, producer.Delivered);
        Assert.InRange(producer.MaxObservedLag, 1, producer.MaxLag);
        Assert.True(producer.MaxLag * (ValueBytes + 16) < EmbeddedKafka.MaxRetainedBytesPerPartition, "the lag bound fits the retention");
    }

    [Fact]
    public async Task Producing_beyond_the_retention_without_a_consumer_drops_the_oldest_records_and_the_source_reports_the_gap()
    {
        var topic = NewTopic(partitions: 1);
        using (var producer = new BoundedLagProducer(Kafka.BootstrapServers, topic, maxLag: long.MaxValue))
        {
            await producer.ProduceAsync(Records, Message).WaitAsync(Guard);
        }

        using var watermarks = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "wm" }).Build();
        var low = watermarks.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).Low.Value;
        Assert.InRange(low, 1, Records - 1);

        var store = new InMemoryOffsetStore();
        store.Store(new TopicPartition(topic, 0), 0);
        var listener = new RecordingListener();
        var (control, received) = KafkaSource.Create(Settings(), [topic], store, listener)
            .Take(Records - low)
            .ToMaterialized(Sink.Seq<KafkaRecord>(), Keep.Both)
            .Run(Materializer);
        var records = await received.WaitAsync(Guard);
        await control.Closed.WaitAsync(Guard);

        Assert.Equal(new RetentionGap(topic, 0, 0, low), Assert.Single(listener.Gaps));
        Assert.Equal(low, records[0].Offset);
        Assert.Equal(Records - 1, records[^1].Offset);
    }

    private static Message<byte[]?, byte[]?> Message(long number) =>
        new() { Key = BitConverter.GetBytes(number), Value = new byte[ValueBytes] };
}
