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
/// with their oracle, and nodes started against them, their writes noted in one <see cref="WriteLedger"/>. Tests
/// inject one fault each, while work is demonstrably pending, then prove the warehouse equals the oracle (nothing
/// lost, every verdict the pure engine's), that each record was written in exactly one committed batch, and that the
/// alerts and dead letters on Kafka are the oracle's.
/// </summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    public const int Partitions = 12;

    /// <summary>How often consumers heartbeat: the group notices a rebalance within this, a member gone silent within the session timeout.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);

    private const int OutputPartitions = 3;

    private readonly List<ScoringNode> _nodes = [];
    private readonly ITestOutputHelper _output;
    private readonly KafkaClusterIdentity _kafkaCluster;
    private Task? _producing;

    public PipelineHarness(FraudStoreSettings storeSettings, ITestOutputHelper output, int records, int accounts, int seed, TimeSpan? sessionTimeout = null)
    {
        _output = output;
        StoreSettings = storeSettings;
        Kafka = new EmbeddedKafka(brokerCount: 1, groupInitialRebalanceDelay: TimeSpan.Zero);
        KafkaSettings = new KafkaSettings
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = "scorers",
            Consumer = new KafkaConsumerSettings
            {
                SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(6),
                Properties = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["heartbeat.interval.ms"] = ((int)HeartbeatInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            },
        };
        Kafka.CreateTopic(KafkaSettings.TransactionsTopic, Partitions);
        Kafka.CreateTopic(KafkaSettings.AlertsTopic, OutputPartitions);
        Kafka.CreateTopic(KafkaSettings.DeadLetterTopic, OutputPartitions);
        _kafkaCluster = KafkaClusterIdentity.Ask(KafkaSettings);
        Oracle = Oracle.For(Oracle.Generate(records, seed, accounts), RuleSet.Default);
        output.WriteLine($"{records} records: {Oracle.Transactions} transactions of {Oracle.ByAccount.Count} accounts, {Oracle.DeadLetters.Count} invalid");
    }

    public EmbeddedKafka Kafka { get; }

    public KafkaSettings KafkaSettings { get; }

    /// <summary>The id the nodes store offsets under: the one <see cref="Kafka"/> reports, as a cluster-mode node asks it.</summary>
    public Task<string> KafkaClusterIdAsync() => _kafkaCluster.GetAsync();

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

    /// <summary>What every node of this harness asked the warehouse's writer.</summary>
    public WriteLedger Ledger { get; } = new();

    public IReadOnlyList<ScoringNode> Nodes => _nodes;

    /// <summary>
    /// Starts a node; the first node of a cluster is its own seed. Single-node clusters verify that every message
    /// serializes (<c>serialize-messages = on</c>); see <see cref="ScoringNode"/> for why multi-node ones cannot.
    /// </summary>
    public async Task<ScoringNode> StartNodeAsync(ScoringNode? seed = null, bool singleNode = false)
    {
        var port = TestPorts.Free();
        var node = await ScoringNode.StartAsync(StoreSettings, KafkaSettings, Settings, port,
            seed?.Address ?? $"akka.tcp://{ScoringNode.SystemName}@127.0.0.1:{port}", serializeMessages: singleNode, Ledger, _output);
        _nodes.Add(node);
        return node;
    }

    public Task ProduceAllAsync() => Oracle.ProduceAsync(Kafka.BootstrapServers, KafkaSettings.TransactionsTopic, Oracle.Records);

    /// <summary>
    /// Starts producing every record at a steady <paramref name="recordsPerSecond"/>, about what the nodes score, so
    /// that a fault injected meanwhile lands mid-stream: records are still to come, and each partition keeps receiving
    /// records its owner has not committed yet, whatever the read-ahead. Await the task for the end of production.
    /// </summary>
    public Task ProduceSteadilyAsync(int recordsPerSecond = 6_000)
    {
        _producing = Task.Run(() => Oracle.ProduceAsync(Kafka.BootstrapServers, KafkaSettings.TransactionsTopic, Oracle.Paced(Oracle.Records, recordsPerSecond)));
        return _producing;
    }

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

    /// <summary>
    /// Waits until each of <paramref name="nodes"/> owns partitions (it read their start offsets), so that a fault that
    /// follows finds every node at work, not one still joining the group.
    /// </summary>
    public async Task WaitUntilEachOwnsPartitionsAsync(params ScoringNode[] nodes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (nodes.Any(n => Ledger.PartitionsOf(n.Name).Count == 0))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not every node was assigned partitions within a minute: {string.Join(", ", nodes.Select(n => $"{n.Name} owns {Ledger.PartitionsOf(n.Name).Count}"))}");
            await Task.Delay(100);
        }
    }

    /// <summary>The stored offset of every partition that has one, read through a fresh store connection.</summary>
    public async Task<Dictionary<int, long>> StoredOffsetsAsync()
    {
        await using var store = await FraudStoreFactory.CreateAsync(StoreSettings);
        var stored = await store.GetOffsetsAsync(await KafkaClusterIdAsync(), KafkaSettings.GroupId,
            [.. Enumerable.Range(0, Partitions).Select(p => new StoredPartition(KafkaSettings.TransactionsTopic, p))]);
        return stored.ToDictionary(kv => kv.Key.Partition, kv => kv.Value);
    }

    /// <summary>
    /// Call right before injecting a fault: asserts that work is pending, so the fault cannot land after the fact. The
    /// steady production still runs, fewer records are committed than the run holds, and the victims own (as far as the warehouse's writer saw) at least
    /// one partition whose stored offset is below its high watermark: records they read or will read, not yet committed.
    /// Returns those partitions.
    /// </summary>
    public async Task<IReadOnlySet<int>> AssertWorkPendingAsync(params ScoringNode[] victims)
    {
        Assert.True(_producing is { IsCompleted: false }, "the fault must land while records are still being produced");
        await using var store = await FraudStoreFactory.CreateAsync(StoreSettings);
        var totals = await store.GetTotalsAsync();
        Assert.True(totals.Transactions + totals.DeadLetters < Oracle.Transactions + Oracle.DeadLetters.Count,
            $"everything ({totals.Transactions} transactions, {totals.DeadLetters} dead letters) was committed before the fault");
        var stored = await StoredOffsetsAsync();
        var watermarks = KafkaTopic.Watermarks(Kafka.BootstrapServers, KafkaSettings.TransactionsTopic, Partitions);
        var owned = victims.SelectMany(v => Ledger.PartitionsOf(v.Name)).ToHashSet();
        var pending = owned.Where(p => stored.GetValueOrDefault(p, watermarks[p].Low) < watermarks[p].High).ToHashSet();
        _output.WriteLine($"At the fault: {totals.Transactions}/{Oracle.Transactions} transactions committed; {string.Join(", ", victims.Select(v => v.Name))} own " +
                          string.Join(", ", owned.Order().Select(p => $"{p} (stored {stored.GetValueOrDefault(p, watermarks[p].Low)} of {watermarks[p].High})")));
        Assert.True(pending.Count > 0, $"the victims own no partition with uncommitted records (they own {string.Join(", ", owned.Order())})");
        return pending;
    }

    /// <summary>
    /// Asserts that no batch was committed from <paramref name="from"/> (the outage began, plus a short grace for the
    /// batches already on their way) until <paramref name="to"/> (the outage ended), and that commits resumed after it.
    /// </summary>
    public void AssertCommitsStoppedDuring(DateTime from, DateTime to)
    {
        var during = Ledger.CommittedBetween(from, to);
        Assert.True(during.Count == 0, $"{during.Count} batches were committed during the outage ({from:HH:mm:ss.fff}–{to:HH:mm:ss.fff}), at {string.Join(", ", during.Select(b => b.At.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.NotEmpty(Ledger.CommittedBetween(to, DateTime.MaxValue));
    }

    /// <summary>
    /// Waits for everything, then compares the warehouse with the oracle through a fresh store connection; checks that
    /// every record of the topic (but those lost to a recorded retention gap) was written in exactly one committed batch,
    /// across all nodes and runs; and reads the alerts and dead letters back from Kafka.
    /// </summary>
    public async Task AssertEverythingStoredExactlyOnceAsync(int extra = 0)
    {
        await using var store = await FraudStoreFactory.CreateAsync(StoreSettings);
        await Oracle.WaitUntilStoredAsync(store, TimeSpan.FromMinutes(4), extra: extra);
        // Anything still in flight would show up as an excess; give it a moment to surface.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Oracle.AssertWarehouseMatchesAsync(store, extra);
        await AssertEachRecordCommittedOnceAsync(store);

        var bootstrap = Kafka.BootstrapServers;
        Oracle.AssertKafkaOutputsMatch(
            await store.AllDeadLettersAsync(),
            KafkaTopic.ReadAll(bootstrap, KafkaSettings.AlertsTopic, OutputPartitions),
            KafkaTopic.ReadAll(bootstrap, KafkaSettings.DeadLetterTopic, OutputPartitions),
            KafkaTopic.ReadAll(bootstrap, KafkaSettings.TransactionsTopic, Partitions),
            KafkaSettings.TransactionsTopic);
    }

    private async Task AssertEachRecordCommittedOnceAsync(IFraudStore store)
    {
        var gaps = await store.GetGapsAsync();
        var watermarks = KafkaTopic.Watermarks(Kafka.BootstrapServers, KafkaSettings.TransactionsTopic, Partitions);
        var expected = watermarks.SelectMany(w => LongRange(0, w.Value.High).Select(offset => (w.Key, offset)))
            .Where(r => !gaps.Any(g => g.Partition == r.Key && r.offset >= g.FirstMissingOffset && r.offset < g.NextAvailableOffset))
            .ToHashSet();
        var counts = Ledger.CommittedRecordCounts();
        var batches = Ledger.Batches;
        _output.WriteLine($"Writer ledger: {batches.Count} batches ({batches.Count(b => b.Committed)} committed, {batches.Count(b => b.Result is BatchFenced)} fenced, " +
                          $"{batches.Count(b => b.Result is null)} failed) from {batches.Select(b => b.Node).Distinct().Count()} nodes");
        var twice = counts.Where(c => c.Value > 1).Select(c => $"{c.Key.Partition}@{c.Key.Offset} in {c.Value} committed batches").ToList();
        var never = expected.Where(r => !counts.ContainsKey(r)).Select(r => $"{r.Key}@{r.offset} in no committed batch").ToList();
        var unknown = counts.Keys.Where(r => !expected.Contains(r)).Select(r => $"{r.Partition}@{r.Offset} is no record of the topic").ToList();
        var problems = twice.Concat(never).Concat(unknown).ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} records not written in exactly one committed batch, e.g.:\n{string.Join('\n', problems.Take(20))}");
    }

    private static IEnumerable<long> LongRange(long from, long to)
    {
        for (var i = from; i < to; i++)
        {
            yield return i;
        }
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
