using AkkaFraud.Streams.Kafka.Internal;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Embedded;

/// <summary>
/// An in-process Kafka: librdkafka's mock cluster, a real Kafka-protocol server listening on 127.0.0.1, reached by
/// any Kafka client through <see cref="BootstrapServers"/>. It serves the tests, the benchmarks and the embedded run
/// mode, and it injects faults: brokers down and up, round-trip delays, request errors per API, leaderless partitions,
/// coordinator moves and deleted records.
/// </summary>
/// <remarks>
/// <para>
/// It is bound by P/Invoke to the very librdkafka build Confluent.Kafka loaded, so it needs nothing besides the
/// Confluent.Kafka package. Several instances may live in one process; each has its own brokers and ports.
/// All members are thread-safe.
/// </para>
/// <para>
/// <b>Retention limit.</b> Each mock partition keeps only its newest <see cref="MaxRetainedBytesPerPartition"/> bytes
/// or <see cref="MaxRetainedBatchesPerPartition"/> record batches (hard-coded in librdkafka) and silently drops older
/// batches as new ones arrive: a consumer that falls further behind gets OFFSET_OUT_OF_RANGE. Whoever moves more data
/// than that per partition must produce while consuming and keep the lag bounded: see <see cref="BoundedLagProducer"/>.
/// </para>
/// <para>
/// librdkafka marks the mock cluster API experimental; Confluent.Kafka (and so librdkafka) is pinned, and a smoke test
/// guards the upgrade.
/// </para>
/// </remarks>
public sealed class EmbeddedKafka : IDisposable
{
    /// <summary>Bytes of record batches one mock partition retains before it drops its oldest batches.</summary>
    public const int MaxRetainedBytesPerPartition = 5 * 1024 * 1024;

    /// <summary>Record batches one mock partition retains before it drops its oldest batches.</summary>
    public const int MaxRetainedBatchesPerPartition = 100_000;

    /// <summary>Broker id that addresses every broker in <see cref="SetBrokerDown"/> and <see cref="SetBrokerUp"/>.</summary>
    public const int AllBrokers = -1;

    private readonly Lock _lock = new();
    private nint _kafka;
    private nint _cluster;

    /// <summary>Starts a mock cluster of <paramref name="brokerCount"/> brokers, ids 1 to <paramref name="brokerCount"/>.</summary>
    /// <param name="brokerCount">Number of brokers, at least 1.</param>
    /// <param name="groupInitialRebalanceDelay">
    /// How long a new consumer group waits for more members before its first rebalance (Kafka's
    /// <c>group.initial.rebalance.delay.ms</c>); zero by default, so groups form at once.
    /// </param>
    public EmbeddedKafka(int brokerCount = 1, TimeSpan? groupInitialRebalanceDelay = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        (_kafka, _cluster) = LibRdKafka.CreateCluster(brokerCount, new Dictionary<string, string>
        {
            ["client.id"] = "akkafraud-embedded-kafka",
            // This handle only hosts the mock cluster; it never connects anywhere, so its warnings are noise.
            ["log_level"] = "3",
        });
        BrokerCount = brokerCount;
        BootstrapServers = LibRdKafka.Bootstraps(_cluster);
        SetGroupInitialRebalanceDelay(groupInitialRebalanceDelay ?? TimeSpan.Zero);
    }

    /// <summary>Comma-separated <c>host:port</c> list of the brokers, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>
    /// This instance's identity, what a node hosting it stores offsets under (<see cref="KafkaClusterIdentity.Known"/>).
    /// Not the cluster id the mock puts in its metadata: librdkafka makes that one from a memory address, and two mocks
    /// created one after the other in one process were seen to share it.
    /// </summary>
    public string ClusterId { get; } = $"embedded-{Guid.NewGuid():N}";

    /// <summary>Number of brokers; their ids are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Path of the native librdkafka file the mock cluster runs in (Confluent.Kafka's own).</summary>
    public static string? NativeLibraryPath => LibRdKafka.LoadedPath;

    /// <summary>
    /// Creates a topic (the mock has no CreateTopics API). Creating an existing topic with the same partition count
    /// is a no-op.
    /// </summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        Use(cluster => LibRdKafka.rd_kafka_mock_topic_create(cluster, topic, partitions, replicationFactor), $"create topic {topic}");
    }

    /// <summary>How long a new group waits for more members before its first rebalance.</summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay)
    {
        var milliseconds = Milliseconds(delay);
        Use(cluster => LibRdKafka.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, milliseconds));
    }

    /// <summary>Disconnects a broker (or <see cref="AllBrokers"/>) and refuses new connections. Leaders do not move.</summary>
    public void SetBrokerDown(int brokerId) =>
        Use(cluster => LibRdKafka.rd_kafka_mock_broker_set_down(cluster, brokerId), $"set broker {brokerId} down");

    /// <summary>Lets a broker (or <see cref="AllBrokers"/>) accept connections again.</summary>
    public void SetBrokerUp(int brokerId) =>
        Use(cluster => LibRdKafka.rd_kafka_mock_broker_set_up(cluster, brokerId), $"set broker {brokerId} up");

    /// <summary>Delays every response of a broker by <paramref name="roundTripTime"/>.</summary>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan roundTripTime)
    {
        var milliseconds = Milliseconds(roundTripTime);
        Use(cluster => LibRdKafka.rd_kafka_mock_broker_set_rtt(cluster, brokerId, milliseconds), $"set broker {brokerId} rtt");
    }

    /// <summary>
    /// Makes the next <paramref name="errors"/>.Length requests of type <paramref name="apiKey"/>, to any broker, fail
    /// with these errors, in order (one error per request).
    /// </summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            return;
        }

        var codes = Array.ConvertAll(errors, error => (int)error);
        Use(cluster => LibRdKafka.PushRequestErrors(cluster, (short)apiKey, codes));
    }

    /// <summary>Forgets the not yet consumed errors pushed for <paramref name="apiKey"/>.</summary>
    public void ClearRequestErrors(KafkaApiKey apiKey) =>
        Use(cluster => LibRdKafka.rd_kafka_mock_clear_request_errors(cluster, (short)apiKey));

    /// <summary>Moves the leadership of a partition to <paramref name="brokerId"/>.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Use(cluster => LibRdKafka.rd_kafka_mock_partition_set_leader(cluster, topic, partition, brokerId), $"set leader of {topic}[{partition}]");

    /// <summary>Leaves a partition without a leader until <see cref="SetPartitionLeader"/> gives it one.</summary>
    public void MakePartitionLeaderless(string topic, int partition) => SetPartitionLeader(topic, partition, -1);

    /// <summary>Moves the coordinator of consumer group <paramref name="groupId"/> to <paramref name="brokerId"/>.</summary>
    public void SetGroupCoordinator(string groupId, int brokerId) =>
        Use(cluster => LibRdKafka.rd_kafka_mock_coordinator_set(cluster, "group", groupId, brokerId), $"move coordinator of group {groupId}");

    /// <summary>
    /// Deletes the records of a partition below <paramref name="beforeOffset"/>, as retention would: the partition's low
    /// watermark becomes <paramref name="beforeOffset"/>.
    /// </summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset) =>
        Use(cluster => LibRdKafka.rd_kafka_mock_partition_delete_records(cluster, topic, partition, beforeOffset), $"delete records of {topic}[{partition}] before {beforeOffset}");

    /// <summary>Stops the brokers; connected clients see the connections close. Idempotent.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_cluster != 0)
            {
                LibRdKafka.DestroyCluster(_kafka, _cluster);
                (_kafka, _cluster) = (0, 0);
            }
        }
    }

    public override string ToString() => $"EmbeddedKafka({BrokerCount} brokers at {BootstrapServers})";

    // Native calls hold the lock, so Dispose never destroys the cluster under a concurrent caller.
    private void Use(Action<nint> call)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            call(_cluster);
        }
    }

    private void Use(Func<nint, int> call, string what)
    {
        int error;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            error = call(_cluster);
        }

        if (error != 0)
        {
            throw new KafkaException(new Error((ErrorCode)error, $"EmbeddedKafka could not {what}: {(ErrorCode)error}"));
        }
    }

    private static int Milliseconds(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        return checked((int)value.TotalMilliseconds);
    }
}
