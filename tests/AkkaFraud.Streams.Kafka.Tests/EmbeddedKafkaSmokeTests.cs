using System.Text;
using AkkaFraud.Streams.Kafka.Embedded;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Tests;

/// <summary>librdkafka marks the mock cluster experimental: this guards every upgrade of Confluent.Kafka.</summary>
public sealed class EmbeddedKafkaSmokeTests : IDisposable
{
    private readonly EmbeddedKafka _kafka = new(brokerCount: 3);

    [Fact]
    public async Task A_created_topic_serves_produce_and_consume_over_tcp()
    {
        _kafka.CreateTopic("smoke", partitions: 4, replicationFactor: 3);
        Assert.Matches(@"^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}$", _kafka.BootstrapServers);

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        var sent = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            producer.ProduceAsync("smoke", new Message<string, string> { Key = $"k{i}", Value = $"v{i}" })));
        Assert.Equal(4, sent.Select(d => d.Partition.Value).Distinct().Count());

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "smoke",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset("smoke", p, Offset.Beginning)));
        var received = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.Count < 100 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                received.Add(result.Message.Value);
            }
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"v{i}").Order(), received.Order());
    }

    [Fact]
    public void The_mock_runs_in_the_librdkafka_that_Confluent_Kafka_loaded()
    {
        Assert.NotNull(EmbeddedKafka.NativeLibraryPath);
        Assert.Contains("rdkafka", Path.GetFileName(EmbeddedKafka.NativeLibraryPath!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_instances_live_side_by_side_and_dispose_independently()
    {
        using var other = new EmbeddedKafka();
        Assert.NotEqual(_kafka.BootstrapServers, other.BootstrapServers);
        other.CreateTopic("only-here", 1);
        other.Dispose();
        other.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other.CreateTopic("after-dispose", 1));

        _kafka.CreateTopic("still-here", 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        var delivered = await producer.ProduceAsync("still-here", new Message<Null, string> { Value = "alive" });
        Assert.Equal(0, delivered.Offset.Value);
    }

    [Fact]
    public async Task A_leaderless_partition_takes_records_again_once_it_has_a_leader()
    {
        _kafka.CreateTopic("leaderless", partitions: 1, replicationFactor: 3);
        _kafka.MakePartitionLeaderless("leaderless", 0);
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            TopicMetadataRefreshIntervalMs = 200,
        }).Build();
        var delivery = producer.ProduceAsync("leaderless", new Message<Null, byte[]> { Value = Encoding.UTF8.GetBytes("waits") });

        await Task.Delay(300); // let the producer meet the leaderless partition (not an assertion on time)
        Assert.False(delivery.IsCompleted);
        _kafka.SetPartitionLeader("leaderless", 0, brokerId: 2);
        var result = await delivery.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
    }

    [Fact]
    public void Deleting_records_moves_the_low_watermark()
    {
        _kafka.CreateTopic("retention", 1);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                producer.Produce("retention", new Message<Null, string> { Value = $"{i}" });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        _kafka.DeleteRecords("retention", 0, beforeOffset: 15);

        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "wm" }).Build();
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition("retention", 0), TimeSpan.FromSeconds(10));
        Assert.Equal(15, watermarks.Low.Value);
        Assert.Equal(20, watermarks.High.Value);
    }

    [Fact]
    public void Misuse_is_refused_with_a_clear_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddedKafka(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _kafka.CreateTopic("too-many-replicas", 1, replicationFactor: 4));
        var error = Assert.Throws<KafkaException>(() => _kafka.DeleteRecords("no-such-topic", 0, 1));
        Assert.Contains("no-such-topic", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _kafka.Dispose();
}
