using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class PartitionOrderTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task Every_record_is_delivered_once_with_its_coordinates_and_in_partition_order()
    {
        var topic = NewTopic(partitions: 6);
        var produced = await ProduceAsync(topic, count: 6000, keys: 200);

        var (control, records) = KafkaSource.Create(Settings(), [topic], new InMemoryOffsetStore())
            .Take(produced.Count)
            .ToMaterialized(Sink.Seq<KafkaRecord>(), Keep.Both)
            .Run(Materializer);
        var received = await records.WaitAsync(Guard);
        await control.ShutdownAsync().WaitAsync(Guard);

        // Every record, once, carrying the coordinates Kafka gave it at produce time.
        var expected = produced.ToDictionary(d => (d.Partition.Value, d.Offset.Value), d => d.Message.Value);
        Assert.Equal(expected.Count, received.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        foreach (var record in received)
        {
            Assert.Equal(topic, record.Topic);
            Assert.Equal(expected[(record.Partition, record.Offset)], record.Value);
            Assert.Equal(Parse(record).Key, record.KeyAsString());
            Assert.NotEqual(0, record.Timestamp.UnixTimestampMs);
        }

        // Per partition offsets strictly increase, and so per key the producer's sequence.
        foreach (var partition in received.GroupBy(r => r.Partition))
        {
            var offsets = partition.Select(r => r.Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
            Assert.Equal(offsets.Count, offsets.Distinct().Count());
        }

        foreach (var key in received.GroupBy(r => r.KeyAsString()))
        {
            var sequences = key.Select(r => Parse(r).Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }

    [Fact]
    public async Task Headers_and_null_keys_and_tombstones_come_through()
    {
        var topic = NewTopic(partitions: 1);
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[]?, byte[]?>(new Confluent.Kafka.ProducerConfig { BootstrapServers = Kafka.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(topic, new Confluent.Kafka.Message<byte[]?, byte[]?>
            {
                Key = null,
                Value = [1, 2, 3],
                Headers = new Confluent.Kafka.Headers { { "trace", [42] } },
            });
            await producer.ProduceAsync(topic, new Confluent.Kafka.Message<byte[]?, byte[]?> { Key = [7], Value = null });
        }

        var (control, records) = KafkaSource.Create(Settings(), [topic], new InMemoryOffsetStore())
            .Take(2)
            .ToMaterialized(Sink.Seq<KafkaRecord>(), Keep.Both)
            .Run(Materializer);
        var received = await records.WaitAsync(Guard);
        await control.ShutdownAsync().WaitAsync(Guard);

        Assert.Null(received[0].Key);
        Assert.Equal([1, 2, 3], received[0].Value);
        Assert.Equal([42], received[0].Headers.GetLastBytes("trace"));
        Assert.Equal([7], received[1].Key);
        Assert.Null(received[1].Value);
    }
}
