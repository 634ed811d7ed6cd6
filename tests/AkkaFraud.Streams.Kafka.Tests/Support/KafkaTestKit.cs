using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Embedded;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests.Support;

/// <summary>
/// An actor system and its own <see cref="EmbeddedKafka"/> per test, with helpers to produce, process and inspect.
/// Timeouts here are failure guards only, never assertions.
/// </summary>
public abstract class KafkaTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private const string AkkaConfig = """
        akka.loglevel = INFO
        akka.stdout-loglevel = OFF
        """;

    protected KafkaTestKit(ITestOutputHelper output, int brokers = 1)
        : base(AkkaConfig, output: output)
    {
        Kafka = new EmbeddedKafka(brokers);
        Materializer = Sys.Materializer();
    }

    protected EmbeddedKafka Kafka { get; }

    protected IMaterializer Materializer { get; }

    protected string NewTopic(int partitions)
    {
        var topic = $"{GetType().Name}-{Guid.NewGuid():N}";
        Kafka.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>Settings for fast tests: short intervals, quick group protocol.</summary>
    protected KafkaSettings Settings(string? groupId = null, Func<KafkaConsumerSettings, KafkaConsumerSettings>? consumer = null)
    {
        var consumerSettings = new KafkaConsumerSettings
        {
            CommitInterval = TimeSpan.FromMilliseconds(200),
            CommitRetryBackoff = TimeSpan.FromMilliseconds(100),
            HealthCheckInterval = TimeSpan.FromMilliseconds(200),
            PollTimeout = TimeSpan.FromMilliseconds(50),
            SessionTimeout = TimeSpan.FromSeconds(6),
            Properties = new Dictionary<string, string>
            {
                ["heartbeat.interval.ms"] = "300",
                ["reconnect.backoff.max.ms"] = "500",
                ["topic.metadata.refresh.interval.ms"] = "1000",
            },
        };
        return new KafkaSettings
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = groupId ?? $"group-{Guid.NewGuid():N}",
            ClientId = GetType().Name,
            Consumer = consumer is null ? consumerSettings : consumer(consumerSettings),
            Producer = new KafkaProducerSettings { Linger = TimeSpan.FromMilliseconds(2) },
        };
    }

    /// <summary>The value of record number <paramref name="sequence"/> of a key: "key:sequence".</summary>
    protected static byte[] Value(string key, long sequence) => Encoding.UTF8.GetBytes($"{key}:{sequence}");

    protected static (string Key, long Sequence) Parse(KafkaRecord record)
    {
        var text = Encoding.UTF8.GetString(record.Value!);
        var colon = text.LastIndexOf(':');
        return (text[..colon], long.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Produces <paramref name="count"/> records over <paramref name="keys"/> keys (key i % keys), values "key:i",
    /// with a plain Confluent producer, and waits until all are acknowledged.
    /// </summary>
    protected async Task<IReadOnlyList<DeliveryResult<string, byte[]>>> ProduceAsync(string topic, int count, int keys = 50, int firstSequence = 0)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = Kafka.BootstrapServers,
            LingerMs = 2,
            EnableIdempotence = true,
            Partitioner = Confluent.Kafka.Partitioner.Murmur2Random,
        }).Build();
        var deliveries = new List<Task<DeliveryResult<string, byte[]>>>(count);
        for (var i = firstSequence; i < firstSequence + count; i++)
        {
            var key = $"account-{i % keys}";
            deliveries.Add(producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = Value(key, i) }));
        }

        return await Task.WhenAll(deliveries).WaitAsync(Guard);
    }

    /// <summary>The group's committed offsets of a topic's partitions, read by an outside consumer.</summary>
    protected Dictionary<int, long> CommittedOffsets(string groupId, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
        }).Build();
        var committed = consumer.Committed(
            Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, new Partition(p))),
            TimeSpan.FromSeconds(10));
        return committed.Where(c => c.Offset.Value >= 0).ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
    }

    /// <summary>
    /// Runs a source into the offset store the way the pipeline does: small batches applied atomically, then the
    /// processed offsets marked for the advisory commit. Returns the control and the stream's completion. The source
    /// reads its start offsets and applies its batches as <paramref name="source"/> (see <see cref="InMemoryOffsetStore"/>).
    /// </summary>
    protected (KafkaConsumerControl Control, Task<Akka.Done> Completion) RunIntoStore(
        KafkaSettings settings, string topic, InMemoryOffsetStore store, IKafkaPartitionListener? listener = null, Action<KafkaRecord>? onEmitted = null,
        string source = "source")
    {
        var (materialized, completion) = KafkaSource.Create(settings, [topic], store.For(source), listener)
            .Select(record =>
            {
                onEmitted?.Invoke(record);
                return record;
            })
            .GroupedWithin(100, TimeSpan.FromMilliseconds(20))
            .Select(grouped =>
            {
                var batch = grouped.ToList();
                store.Apply(batch, source);
                foreach (var last in batch.GroupBy(r => r.TopicPartition).Select(g => g.Last()))
                {
                    last.MarkProcessed();
                }

                return batch.Count;
            })
            .ToMaterialized(Sink.Ignore<int>(), Keep.Both)
            .Run(Materializer);
        return (materialized, completion);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after the guard.</summary>
    protected static async Task Eventually(Func<bool> condition, string what, TimeSpan? guard = null)
    {
        var deadline = DateTime.UtcNow + (guard ?? Guard);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Collects the measurements of one instrument of the connector's meter that carry one tag value.</summary>
    protected sealed class MetricRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(long Value, int Partition)> _measurements = new();

        /// <summary>Measurements tagged with <paramref name="topic"/>.</summary>
        public MetricRecorder(string instrument, string topic)
            : this(instrument, "topic", topic)
        {
        }

        public MetricRecorder(string instrument, string tagKey, string tagValue)
        {
            _listener.InstrumentPublished = (published, listener) =>
            {
                if (published.Meter.Name == KafkaMetrics.MeterName && published.Name == instrument)
                {
                    listener.EnableMeasurementEvents(published);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var matches = false;
                var partition = -1;
                foreach (var tag in tags)
                {
                    if (tag.Key == tagKey && tag.Value as string == tagValue)
                    {
                        matches = true;
                    }
                    else if (tag.Key == "partition" && tag.Value is int p)
                    {
                        partition = p;
                    }
                }

                if (matches)
                {
                    _measurements.Enqueue((value, partition));
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<(long Value, int Partition)> Measurements => [.. _measurements];

        public long Total => _measurements.Sum(m => m.Value);

        public long TotalFor(int partition) => _measurements.Where(m => m.Partition == partition).Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Kafka.Dispose();
        }
    }
}

/// <summary>A listener that records every event, thread-safe.</summary>
public sealed class RecordingListener : IKafkaPartitionListener
{
    private readonly ConcurrentQueue<object> _events = new();

    public IReadOnlyList<object> Events => [.. _events];

    public IReadOnlyList<RetentionGap> Gaps => [.. _events.OfType<RetentionGap>()];

    public IReadOnlyList<KafkaSourceHealth> HealthChanges => [.. _events.OfType<KafkaSourceHealth>()];

    public Action<RetentionGap>? OnGap { get; init; }

    /// <summary>What <see cref="OnPartitionsAssigned"/> answers: the source holds the partitions until it completes.</summary>
    public Func<IReadOnlyList<TopicPartitionOffset>, Task>? HoldAssignment { get; init; }

    public Task OnPartitionsAssigned(IReadOnlyList<TopicPartitionOffset> partitions)
    {
        _events.Enqueue(new Assigned(partitions));
        return HoldAssignment?.Invoke(partitions) ?? Task.CompletedTask;
    }

    public void OnPartitionsRevoked(IReadOnlyList<TopicPartition> partitions, bool lost) => _events.Enqueue(new Revoked(partitions, lost));

    public void OnRetentionGap(RetentionGap gap)
    {
        OnGap?.Invoke(gap);
        _events.Enqueue(gap);
    }

    public void OnHealthChanged(KafkaSourceHealth health) => _events.Enqueue(health);

    public sealed record Assigned(IReadOnlyList<TopicPartitionOffset> Partitions);

    public sealed record Revoked(IReadOnlyList<TopicPartition> Partitions, bool Lost);
}
