using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.Streams.Kafka.Embedded;

namespace AkkaFraud.Node.Hosting;

/// <summary>
/// What the node opens before its host starts and closes after it stopped: the warehouse, and in embedded mode the
/// in-process Kafka. The warehouse outlives any one Kafka: it stores offsets under the Kafka cluster's id
/// (<see cref="KafkaCluster"/>), so an embedded run, whose in-process Kafka is new and empty, starts reading at the
/// beginning while the alerts, rows and rollups of earlier runs stay.
/// </summary>
internal sealed class NodeInfrastructure(IFraudStore store, EmbeddedKafka? kafka, KafkaClusterIdentity kafkaCluster, ILoggerFactory logs) : IAsyncDisposable
{
    public IFraudStore Store { get; } = store;

    public EmbeddedKafka? EmbeddedKafka { get; } = kafka;

    /// <summary>The Kafka cluster the node reads: the in-process one in embedded mode, otherwise asked from the brokers.</summary>
    public KafkaClusterIdentity KafkaCluster { get; } = kafkaCluster;

    /// <summary>Opens the warehouse (applying migrations) and, in embedded mode, starts Kafka with the topics.</summary>
    /// <exception cref="NodeConfigurationException">The warehouse cannot be opened; the message says why.</exception>
    /// <param name="settings">The node's settings; in embedded mode they come back with the in-process Kafka's address.</param>
    /// <param name="logging">The <c>Logging</c> configuration: the store logs through a console logger of its own, made before the host exists and kept as long as the store.</param>
    public static async Task<(NodeInfrastructure Infrastructure, NodeSettings Settings)> OpenAsync(NodeSettings settings, IConfiguration logging)
    {
        var logs = LoggerFactory.Create(builder => builder.AddConfiguration(logging).AddConsole());
        EmbeddedKafka? kafka = null;
        if (settings.Mode == NodeMode.Embedded)
        {
            Directory.CreateDirectory(settings.DataDirectory);
            kafka = new EmbeddedKafka();
            kafka.CreateTopic(settings.Kafka.TransactionsTopic, settings.Fraud.Partitions);
            kafka.CreateTopic(settings.Kafka.AlertsTopic, 3);
            kafka.CreateTopic(settings.Kafka.DeadLetterTopic, 3);
            settings = settings with { Kafka = settings.Kafka with { BootstrapServers = kafka.BootstrapServers } };
        }

        try
        {
            var store = await FraudStoreFactory.CreateAsync(settings.Storage, logs);
            var kafkaCluster = kafka is not null ? KafkaClusterIdentity.Known(kafka.ClusterId) : KafkaClusterIdentity.Ask(settings.Kafka);
            return (new NodeInfrastructure(store, kafka, kafkaCluster, logs), settings);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            kafka?.Dispose();
            logs.Dispose();
            var where = settings.Mode == NodeMode.Embedded
                ? $"the SQLite file under {settings.DataDirectory} (check that the directory is writable, or choose another with --data <dir>)"
                : "PostgreSQL (check ConnectionStrings__Fraud and that the server runs and accepts this user)";
            throw new NodeConfigurationException($"The warehouse could not be opened: {e.GetBaseException().Message.TrimEnd('.')}. It is {where}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        EmbeddedKafka?.Dispose();
        logs.Dispose();
    }
}
