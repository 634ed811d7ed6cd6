using System.Text;
using Akka;
using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class ProducerTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task Injected_produce_errors_cause_no_duplicates_and_no_loss_and_results_keep_input_order()
    {
        const int Count = 3000;
        var topic = NewTopic(partitions: 3);
        Kafka.PushRequestErrors(KafkaApiKey.Produce,
            ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas, ErrorCode.Local_Transport,
            ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas, ErrorCode.Local_Transport);

        var results = await Source.From(Enumerable.Range(0, Count))
            .Select(i => new ProducerMessage<int>(ProducerRecord.Create(topic, $"account-{i % 37}", Encoding.UTF8.GetBytes($"{i}")), i))
            .Via(KafkaProducer.Flow<int>(Settings()))
            .RunWith(Sink.Seq<ProducerResult<int>>(), Materializer)
            .WaitAsync(Guard);

        Assert.Equal(Enumerable.Range(0, Count), results.Select(r => r.PassThrough));
        Assert.Equal(Count, results.Select(r => (r.Partition, r.Offset)).Distinct().Count());

        // The topic holds each record exactly once, where its result said.
        var stored = ReadAll(topic, partitions: 3, Count);
        Assert.Equal(Count, stored.Count);
        Assert.Equal(
            results.ToDictionary(r => r.PassThrough, r => (r.Partition, r.Offset)),
            stored.ToDictionary(s => int.Parse(s.Value, System.Globalization.CultureInfo.InvariantCulture), s => (s.Partition, s.Offset)));
    }

    [Fact]
    public async Task The_producer_places_each_key_where_the_pure_partition_function_says()
    {
        foreach (var partitions in new[] { 1, 7, 12 })
        {
            var topic = NewTopic(partitions);
            var keys = Enumerable.Range(0, 400).Select(i => i % 3 == 0 ? $"account-{i}" : $"äccount/{i * 7919}-{new string('x', i % 13)}").ToList();

            var results = await Source.From(keys)
                .Select(key => new ProducerMessage<string>(ProducerRecord.Create(topic, key, [1]), key))
                .Via(KafkaProducer.Flow<string>(Settings()))
                .RunWith(Sink.Seq<ProducerResult<string>>(), Materializer)
                .WaitAsync(Guard);

            Assert.All(results, result => Assert.Equal(KafkaPartitioner.PartitionFor(result.PassThrough, partitions), result.Partition));
            if (partitions > 1)
            {
                Assert.Equal(partitions, results.Select(r => r.Partition).Distinct().Count());
            }
        }
    }

    [Fact]
    public async Task The_sink_completes_once_every_record_is_acknowledged()
    {
        var topic = NewTopic(partitions: 2);
        await Source.From(Enumerable.Range(0, 500))
            .Select(i => ProducerRecord.Create(topic, $"k{i}", Encoding.UTF8.GetBytes($"{i}")))
            .RunWith(KafkaProducer.Sink(Settings()), Materializer)
            .WaitAsync(Guard);

        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "wm" }).Build();
        var total = Enumerable.Range(0, 2).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        Assert.Equal(500, total);
    }

    [Fact]
    public async Task A_record_that_cannot_be_delivered_fails_the_flow()
    {
        var settings = Settings() with
        {
            Producer = new KafkaProducerSettings { DeliveryTimeout = TimeSpan.FromSeconds(1) },
        };
        Kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);

        var run = Source.Single(ProducerRecord.Create("nowhere", "k", [1]))
            .RunWith(KafkaProducer.Sink(settings), Materializer);

        var failure = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() => run.WaitAsync(Guard));
        Assert.Equal(ErrorCode.Local_MsgTimedOut, failure.Error.Code);
    }

    private List<(int Partition, long Offset, string Value)> ReadAll(string topic, int partitions, int expected)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "verify" }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<(int, long, string)>();
        var deadline = DateTime.UtcNow + Guard;
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                records.Add((result.Partition.Value, result.Offset.Value, result.Message.Value));
            }
        }

        // Anything beyond the expected count would be a duplicate: give it a moment to show up.
        if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { } extra)
        {
            records.Add((extra.Partition.Value, extra.Offset.Value, extra.Message.Value));
        }

        return records;
    }
}
