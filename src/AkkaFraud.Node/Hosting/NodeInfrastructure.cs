using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka.Embedded;
using Microsoft.Data.Sqlite;

namespace AkkaFraud.Node.Hosting;

/// <summary>What the node opens before its host starts and closes after it stopped: the warehouse, and in embedded mode the in-process Kafka.</summary>
internal sealed class NodeInfrastructure(IFraudStore store, EmbeddedKafka? kafka, ILoggerFactory logs) : IAsyncDisposable
{
    public IFraudStore Store { get; } = store;

    public EmbeddedKafka? EmbeddedKafka { get; } = kafka;

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
            SetPreviousRunAside(settings.Storage, logs.CreateLogger<NodeInfrastructure>());
            kafka = new EmbeddedKafka();
            kafka.CreateTopic(settings.Kafka.TransactionsTopic, settings.Fraud.Partitions);
            kafka.CreateTopic(settings.Kafka.AlertsTopic, 3);
            kafka.CreateTopic(settings.Kafka.DeadLetterTopic, 3);
            settings = settings with { Kafka = settings.Kafka with { BootstrapServers = kafka.BootstrapServers } };
        }

        try
        {
            var store = await FraudStoreFactory.CreateAsync(settings.Storage, logs);
            return (new NodeInfrastructure(store, kafka, logs), settings);
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

    /// <summary>
    /// The in-process Kafka starts empty on every run, but a warehouse holds the Kafka offsets of the run that wrote it
    /// (and dead letters and account checkpoints keyed by them): resumed against the new Kafka, the pipeline would
    /// refuse offsets beyond the new partitions' ends and then skip their first records. So an embedded run starts with a
    /// fresh warehouse and keeps the previous one beside it, renamed.
    /// </summary>
    private static void SetPreviousRunAside(FraudStoreSettings storage, ILogger log)
    {
        var file = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
        if (storage.Provider != StoreProvider.Sqlite || string.IsNullOrEmpty(file) || file == ":memory:" || !File.Exists(file))
        {
            return;
        }

        var kept = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!,
            $"{Path.GetFileNameWithoutExtension(file)}-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff'Z'}{Path.GetExtension(file)}");
        try
        {
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                if (File.Exists(file + suffix))
                {
                    File.Move(file + suffix, kept + suffix);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeConfigurationException(
                $"The previous run's warehouse {file} could not be set aside as {kept}: {e.Message.TrimEnd('.')}. Check that the directory is writable, or choose another with --data <dir>.");
        }

        log.LogWarning("The in-process Kafka starts empty, so this run starts a fresh warehouse; the previous run's is kept as {File}", kept);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        EmbeddedKafka?.Dispose();
        logs.Dispose();
    }
}
