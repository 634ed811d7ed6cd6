using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Domain;
using AkkaFraud.Simulator;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.TestSupport;


namespace AkkaFraud.Cluster.Tests.Support;

/// <summary>
/// The pieces every end-to-end pipeline test needs: an embedded Kafka with the topics, a warehouse, simulator records
/// with their oracle, and nodes started against them. Tests inject one fault each, then prove the warehouse equals
/// the oracle: nothing lost, nothing twice, every verdict the pure engine's.
/// </summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    public const int Partitions = 12;

    private readonly List<ScoringNode> _nodes = [];
    private readonly ITestOutputHelper _output;

    public PipelineHarness(FraudStoreSettings storeSettings, ITestOutputHelper output, int records, int accounts, int seed)
    {
        _output = output;
        StoreSettings = storeSettings;
        Kafka = new EmbeddedKafka(brokerCount: 1, groupInitialRebalanceDelay: TimeSpan.Zero);
        KafkaSettings = new KafkaSettings
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = "scorers",
            Consumer = new KafkaConsumerSettings { SessionTimeout = TimeSpan.FromSeconds(6) },
        };
        Kafka.CreateTopic(KafkaSettings.TransactionsTopic, Partitions);
        Kafka.CreateTopic(KafkaSettings.AlertsTopic, 3);
        Kafka.CreateTopic(KafkaSettings.DeadLetterTopic, 3);
        Oracle = Oracle.For(Oracle.Generate(records, seed, accounts), RuleSet.Default);
        output.WriteLine($"{records} records: {Oracle.Transactions} transactions of {Oracle.ByAccount.Count} accounts, {Oracle.DeadLetters.Count} invalid");
    }

    public EmbeddedKafka Kafka { get; }

    public KafkaSettings KafkaSettings { get; }

    public FraudStoreSettings StoreSettings { get; }

    public FraudSettings Settings { get; } = new()
    {
        Partitions = Partitions,
        BatchSize = 2000,
        BatchInterval = TimeSpan.FromMilliseconds(100),
        MinRestartBackoff = TimeSpan.FromMilliseconds(500),
        MaxRestartBackoff = TimeSpan.FromSeconds(5),
    };

    public Oracle Oracle { get; }

    public IReadOnlyList<ScoringNode> Nodes => _nodes;

    /// <summary>
    /// Starts a node; the first node of a cluster is its own seed. Single-node clusters verify that every message
    /// serializes (<c>serialize-messages = on</c>); see <see cref="ScoringNode"/> for why multi-node ones cannot.
    /// </summary>
    public async Task<ScoringNode> StartNodeAsync(ScoringNode? seed = null, bool singleNode = false)
    {
        var port = TestPorts.Free();
        var node = await ScoringNode.StartAsync(StoreSettings, KafkaSettings, Settings, port,
            seed?.Address ?? $"akka.tcp://{ScoringNode.SystemName}@127.0.0.1:{port}", serializeMessages: singleNode, _output);
        _nodes.Add(node);
        return node;
    }

    public Task ProduceAllAsync() => Oracle.ProduceAsync(Kafka.BootstrapServers, KafkaSettings.TransactionsTopic, Oracle.Records);

    /// <summary>Waits until at least <paramref name="share"/> of the transactions are committed.</summary>
    public async Task WaitForShareAsync(IFraudStore store, double share)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while ((await store.GetTotalsAsync()).Transactions < Oracle.Transactions * share)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{share:P0} of the transactions were not committed within 3 minutes");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for everything, then compares the warehouse with the oracle through a fresh store connection.</summary>
    public async Task AssertEverythingStoredExactlyOnceAsync()
    {
        await using var store = await FraudStoreFactory.CreateAsync(StoreSettings);
        await Oracle.WaitUntilStoredAsync(store, TimeSpan.FromMinutes(4));
        // Anything still in flight would show up as an excess; give it a moment to surface.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Oracle.AssertWarehouseMatchesAsync(store);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.StopAsync();
        }

        Kafka.Dispose();
    }
}
