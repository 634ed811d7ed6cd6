using Confluent.Kafka;
using Microsoft.Extensions.Configuration;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// Everything the Kafka connector needs, with its defaults in this one place. Bound from the configuration section
/// <c>Kafka</c> (<see cref="FromConfiguration"/>), e.g. <c>Kafka__BootstrapServers</c> in the environment or
/// <c>Kafka:Consumer:CommitInterval</c> in appsettings.
/// </summary>
/// <remarks>
/// Some librdkafka properties are part of the connector's contract and cannot be overridden through
/// <see cref="KafkaConsumerSettings.Properties"/> / <see cref="KafkaProducerSettings.Properties"/>:
/// the consumer never auto-commits or auto-stores offsets, uses cooperative-sticky assignment and never resets an
/// out-of-range offset by itself (a retention gap is reported instead); the producer is idempotent
/// (<c>acks=all</c>) and partitions keys with the Java-compatible <c>murmur2_random</c>.
/// </remarks>
public sealed record KafkaSettings
{
    /// <summary>The configuration section the settings are bound from.</summary>
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated <c>host:port</c> list of brokers.</summary>
    public string BootstrapServers { get; init; } = "localhost:9092";

    /// <summary>Consumer group of the scoring nodes.</summary>
    public string GroupId { get; init; } = "akkafraud-scorer";

    /// <summary>Client id prefix shown in broker logs and metrics.</summary>
    public string ClientId { get; init; } = "akkafraud";

    /// <summary>Topic of incoming transactions.</summary>
    public string TransactionsTopic { get; init; } = "transactions";

    /// <summary>Topic the fraud alerts are published to.</summary>
    public string AlertsTopic { get; init; } = "fraud-alerts";

    /// <summary>Topic of records that failed validation.</summary>
    public string DeadLetterTopic { get; init; } = "transactions-dlq";

    public KafkaConsumerSettings Consumer { get; init; } = new();

    public KafkaProducerSettings Producer { get; init; } = new();

    /// <summary>
    /// Binds section <see cref="SectionName"/> of <paramref name="configuration"/> over the defaults and validates
    /// the result. A missing section yields the defaults.
    /// </summary>
    public static KafkaSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new KafkaSettings();
        configuration.GetSection(SectionName).Bind(settings, options => options.ErrorOnUnknownConfiguration = true);
        settings.Validate();
        return settings;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(BootstrapServers), nameof(BootstrapServers), "must name at least one broker");
        Require(!string.IsNullOrWhiteSpace(GroupId), nameof(GroupId), "must not be empty");
        Require(!string.IsNullOrWhiteSpace(ClientId), nameof(ClientId), "must not be empty");
        Consumer.Validate();
        Producer.Validate();
    }

    /// <summary>The librdkafka consumer configuration: the user's properties, then the connector's own on top.</summary>
    public ConsumerConfig CreateConsumerConfig()
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(Consumer.Properties, StringComparer.Ordinal))
        {
            BootstrapServers = BootstrapServers,
            GroupId = GroupId,
            ClientId = $"{ClientId}-consumer",
            SessionTimeoutMs = Milliseconds(Consumer.SessionTimeout),
            StatisticsIntervalMs = Milliseconds(Consumer.HealthCheckInterval),
            QueuedMaxMessagesKbytes = Consumer.PrefetchKilobytes,
        };
        foreach (var (key, value) in KafkaConsumerSettings.Enforced)
        {
            config.Set(key, value);
        }

        return config;
    }

    /// <summary>The librdkafka producer configuration: the user's properties, then the connector's own on top.</summary>
    public ProducerConfig CreateProducerConfig()
    {
        var config = new ProducerConfig(new Dictionary<string, string>(Producer.Properties, StringComparer.Ordinal))
        {
            BootstrapServers = BootstrapServers,
            ClientId = $"{ClientId}-producer",
            LingerMs = Producer.Linger.TotalMilliseconds,
            MessageTimeoutMs = Milliseconds(Producer.DeliveryTimeout),
        };
        foreach (var (key, value) in KafkaProducerSettings.Enforced)
        {
            config.Set(key, value);
        }

        return config;
    }

    internal static int Milliseconds(TimeSpan value) => checked((int)Math.Ceiling(value.TotalMilliseconds));

    internal static void Require(bool condition, string setting, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"Kafka setting {setting} {problem}.", setting);
        }
    }

    internal static void RequireNotOverridden(IReadOnlyDictionary<string, string> properties, IReadOnlyDictionary<string, string> enforced, string setting)
    {
        foreach (var (key, value) in properties)
        {
            Require(!enforced.TryGetValue(key, out var ours) || string.Equals(ours, value, StringComparison.Ordinal),
                $"{setting}:{key}", $"is fixed to '{enforced.GetValueOrDefault(key)}' by the connector");
        }
    }
}

/// <summary>Where a partition without a stored offset starts.</summary>
public enum StartPosition
{
    /// <summary>At the oldest retained record.</summary>
    Earliest,

    /// <summary>At the end: only records produced from now on.</summary>
    Latest,
}

/// <summary>Consumer side of <see cref="KafkaSettings"/>.</summary>
public sealed record KafkaConsumerSettings
{
    internal static readonly IReadOnlyDictionary<string, string> Enforced = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["enable.auto.commit"] = "false",
        ["enable.auto.offset.store"] = "false",
        ["partition.assignment.strategy"] = "cooperative-sticky",
        // Never reset an out-of-range offset silently: the source reports the retention gap and resumes itself.
        ["auto.offset.reset"] = "error",
        ["enable.partition.eof"] = "false",
    };

    /// <summary>At most this many records are consumed from librdkafka before they are handed to the stream.</summary>
    public int MaxBatchSize { get; init; } = 1000;

    /// <summary>How long one poll waits for records when none are ready; also bounds how fast a stop is seen.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// High-water mark of records buffered per partition between the poll thread and downstream demand: a partition
    /// that reaches it is paused in Kafka, and resumed when downstream has taken half of them. The source never holds
    /// more than this many records of one partition. Each pause costs a fetch round trip when the partition resumes: with
    /// 2,000 the end-to-end benchmark (12 partitions, 5,000-record batches) paused and resumed so often that it ran at
    /// 32k tx/s with the writer idle a third of the time; with 8,000 it ran at 43–46k with the writer always busy.
    /// </summary>
    public int MaxBufferedRecordsPerPartition { get; init; } = 8000;

    /// <summary>librdkafka's prefetch bound for the whole consumer (<c>queued.max.messages.kbytes</c>).</summary>
    public int PrefetchKilobytes { get; init; } = 16 * 1024;

    /// <summary>The advisory Kafka commit of processed offsets happens at most once per interval.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before a failed commit with a retriable error is tried again.</summary>
    public TimeSpan CommitRetryBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>When no broker has been reachable for this long the source reports itself unhealthy.</summary>
    public TimeSpan UnreachableTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often broker connectivity is sampled (librdkafka statistics interval).</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an assignment waits for the offset store, retrying failures, before the stream fails.</summary>
    public TimeSpan OffsetStoreTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Group session timeout: how long until the group gives the partitions of a silent member away.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a shutdown may spend on the final commit before it closes the consumer anyway.</summary>
    public TimeSpan ShutdownCommitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where a partition without a stored offset starts.</summary>
    public StartPosition StartWithoutStoredOffset { get; init; } = StartPosition.Earliest;

    /// <summary>Further librdkafka consumer properties (e.g. <c>fetch.max.bytes</c>); the contract ones are fixed.</summary>
#pragma warning disable CA2227 // The configuration binder fills this dictionary.
    public Dictionary<string, string> Properties { get; init; } = new(StringComparer.Ordinal);
#pragma warning restore CA2227

    internal void Validate()
    {
        const string Prefix = "Consumer:";
        KafkaSettings.Require(MaxBatchSize > 0, Prefix + nameof(MaxBatchSize), "must be positive");
        KafkaSettings.Require(MaxBufferedRecordsPerPartition >= 2, Prefix + nameof(MaxBufferedRecordsPerPartition), "must be at least 2");
        KafkaSettings.Require(PrefetchKilobytes > 0, Prefix + nameof(PrefetchKilobytes), "must be positive");
        KafkaSettings.Require(PollTimeout > TimeSpan.Zero, Prefix + nameof(PollTimeout), "must be positive");
        KafkaSettings.Require(CommitInterval > TimeSpan.Zero, Prefix + nameof(CommitInterval), "must be positive");
        KafkaSettings.Require(CommitRetryBackoff > TimeSpan.Zero, Prefix + nameof(CommitRetryBackoff), "must be positive");
        KafkaSettings.Require(UnreachableTimeout > TimeSpan.Zero, Prefix + nameof(UnreachableTimeout), "must be positive");
        KafkaSettings.Require(HealthCheckInterval > TimeSpan.Zero, Prefix + nameof(HealthCheckInterval), "must be positive");
        KafkaSettings.Require(OffsetStoreTimeout > TimeSpan.Zero, Prefix + nameof(OffsetStoreTimeout), "must be positive");
        KafkaSettings.Require(SessionTimeout > TimeSpan.Zero, Prefix + nameof(SessionTimeout), "must be positive");
        KafkaSettings.Require(ShutdownCommitTimeout >= TimeSpan.Zero, Prefix + nameof(ShutdownCommitTimeout), "must not be negative");
        KafkaSettings.Require(Enum.IsDefined(StartWithoutStoredOffset), Prefix + nameof(StartWithoutStoredOffset), "is not a start position");
        KafkaSettings.RequireNotOverridden(Properties, Enforced, Prefix + nameof(Properties));
    }
}

/// <summary>Producer side of <see cref="KafkaSettings"/>.</summary>
public sealed record KafkaProducerSettings
{
    internal static readonly IReadOnlyDictionary<string, string> Enforced = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["enable.idempotence"] = "true",
        ["acks"] = "all",
        // Java-compatible: the partition of a key is KafkaPartitioner.PartitionFor(key, count), on any client.
        ["partitioner"] = "murmur2_random",
    };

    /// <summary>How long records wait to fill a batch (<c>linger.ms</c>).</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How long librdkafka keeps retrying a record before its delivery fails (<c>message.timeout.ms</c>).</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Further librdkafka producer properties (e.g. <c>compression.type</c>); the contract ones are fixed.</summary>
#pragma warning disable CA2227 // The configuration binder fills this dictionary.
    public Dictionary<string, string> Properties { get; init; } = new(StringComparer.Ordinal);
#pragma warning restore CA2227

    internal void Validate()
    {
        const string Prefix = "Producer:";
        KafkaSettings.Require(Linger >= TimeSpan.Zero, Prefix + nameof(Linger), "must not be negative");
        KafkaSettings.Require(DeliveryTimeout > TimeSpan.Zero, Prefix + nameof(DeliveryTimeout), "must be positive");
        KafkaSettings.RequireNotOverridden(Properties, Enforced, Prefix + nameof(Properties));
    }
}
