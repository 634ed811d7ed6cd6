using System.Globalization;
using System.Text.RegularExpressions;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.TestSupport;
using Xunit.Abstractions;

namespace AkkaFraud.EndToEnd.Tests.Support;

/// <summary>
/// A cluster of published nodes as separate OS processes: one web node and N scorers, each on a loopback address of
/// its own (127.0.0.x, the same ports on every one, as containers have), configured only by the environment variables
/// docker-compose.yml sets (and a shorter consumer session, <see cref="SessionTimeout"/>), against a Kafka this test process hosts (a real Kafka-protocol server over TCP) and a
/// fresh database on the test PostgreSQL.
/// </summary>
public sealed partial class ProcessCluster : IAsyncDisposable
{
    public const int Partitions = 12;
    public const string AdminToken = "end-to-end-admin-token-0123456789";
    private const int OutputPartitions = 3;

    /// <summary>
    /// The consumer group session timeout of every node, shorter than the shipped 10 s. The mock broker, unlike Kafka,
    /// waits a whole session timeout (less 1 s) for the members to rejoin whenever the group changes, and a cooperative
    /// rebalance takes two such rounds: at 10 s every start, join, leave and crash of a node cost 18 s of waiting.
    /// Heartbeats every 500 ms keep a 5 s session safe on a loaded box.
    /// </summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(5);

    private readonly PublishedNode _published;
    private readonly ITestOutputHelper _output;
    private readonly string _connectionString;
    private readonly Func<Task> _dropDatabase;

    /// <summary>The id the cluster-mode nodes store offsets under, asked from <see cref="Kafka"/> as they ask it.</summary>
    private readonly KafkaClusterIdentity _kafkaCluster;
    private readonly string _directory = Directory.CreateTempSubdirectory("akkafraud-cluster-").FullName;
    private string? _hoconFile;
    private readonly int _remotingPort = TestPorts.Free();
    private readonly int _httpPort = TestPorts.Free();
    private readonly Dictionary<string, NodeProcess> _nodes = new(StringComparer.Ordinal);
    private readonly List<string> _hosts;

    private ProcessCluster(PublishedNode published, ITestOutputHelper output, string connectionString, PostgresServer? server, Func<Task> dropDatabase, int hosts, Oracle oracle)
    {
        _published = published;
        _output = output;
        _connectionString = connectionString;
        PostgresServer = server;
        _dropDatabase = dropDatabase;
        Oracle = oracle;
        _hosts = [.. Enumerable.Range(0, hosts).Select(i => $"127.0.0.{10 + i}")];
        Kafka = new EmbeddedKafka(brokerCount: 1, groupInitialRebalanceDelay: TimeSpan.Zero);
        Kafka.CreateTopic("transactions", Partitions);
        Kafka.CreateTopic("fraud-alerts", OutputPartitions);
        Kafka.CreateTopic("transactions-dlq", OutputPartitions);
        _kafkaCluster = KafkaClusterIdentity.Ask(new KafkaSettings { BootstrapServers = Kafka.BootstrapServers });
    }

    public EmbeddedKafka Kafka { get; }

    public Oracle Oracle { get; }

    public IFraudStore Store { get; private set; } = null!;

    /// <summary>The cluster's own PostgreSQL server, to crash; null when the cluster has a database on the shared one.</summary>
    public PostgresServer? PostgresServer { get; }

    public NodeProcess Web => _nodes["web"];

    public IEnumerable<NodeProcess> Scorers => _nodes.Values.Where(n => n.Name != "web");

    public NodeProcess Node(string name) => _nodes[name];

    /// <summary>
    /// Starts the web node, then the scorers, and waits until every one is ready. <paramref name="spareScorers"/> more
    /// are in every node's seed list, to be started later (a seed that is not running is simply not answered). With
    /// <paramref name="privatePostgres"/> the warehouse is on a PostgreSQL server of its own (<see cref="PostgresServer"/>).
    /// <paramref name="hocon"/>: Akka settings every node loads over the shipped ones (through Node__HoconFile).
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(
        PublishedNode published, ITestOutputHelper output, int scorers, int records, int seed, int spareScorers = 0, bool privatePostgres = false, string? hocon = null)
    {
        string connectionString;
        PostgresServer? server = null;
        Func<Task> dropDatabase;
        if (privatePostgres)
        {
            server = await PostgresServer.StartPrivateAsync();
            connectionString = await server.CreateDatabaseAsync("warehouse");
            dropDatabase = () => server.DisposeAsync().AsTask();
        }
        else
        {
            var shared = new PostgresDatabase();
            await shared.InitializeAsync();
            connectionString = shared.ConnectionString;
            dropDatabase = shared.DisposeAsync;
        }

        var oracle = Oracle.For(Oracle.Generate(records, seed, accounts: 3_000), RuleSet.Default, HostileRecords.All);
        output.WriteLine($"{records} records and {HostileRecords.All.Count} hostile ones: {oracle.Transactions} transactions of {oracle.ByAccount.Count} accounts, {oracle.DeadLetters.Count} invalid");
        var cluster = new ProcessCluster(published, output, connectionString, server, dropDatabase, 1 + scorers + spareScorers, oracle);
        if (hocon is not null)
        {
            cluster._hoconFile = Path.Combine(cluster._directory, "override.conf");
            await File.WriteAllTextAsync(cluster._hoconFile, hocon);
        }

        cluster.Start("web");
        await cluster.Web.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        // Probed every 250 ms while it joined, it logged readiness as events, not a line per failing probe.
        var probeLines = cluster.Web.Output.Split('\n').Count(line => line.Contains("Health check", StringComparison.Ordinal));
        Assert.True(probeLines == 0, $"the web node logged {probeLines} lines about failing /ready probes:\n{cluster.Web.Output}");
        cluster.Store = await FraudStoreFactory.CreateAsync(new FraudStoreSettings { Provider = StoreProvider.PostgreSql, ConnectionString = connectionString });
        for (var i = 1; i <= scorers; i++)
        {
            cluster.Start($"scorer-{i}");
        }

        foreach (var scorer in cluster.Scorers)
        {
            await scorer.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        }

        return cluster;
    }

    /// <summary>Starts (or starts again) the named node: "web" or "scorer-N".</summary>
    public NodeProcess Start(string name)
    {
        var index = name == "web" ? 0 : int.Parse(name["scorer-".Length..], CultureInfo.InvariantCulture);
        var host = _hosts[index];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // What docker-compose.yml sets, with this machine's addresses.
            ["Kafka__BootstrapServers"] = Kafka.BootstrapServers,
            ["ConnectionStrings__Fraud"] = _connectionString,
            ["Node__SeedNodes"] = string.Join(',', _hosts.Select(h => $"akka.tcp://akkafraud@{h}:{_remotingPort}")),
            ["Node__Hostname"] = host,
            ["Node__Port"] = _remotingPort.ToString(CultureInfo.InvariantCulture),
            ["Node__Roles"] = index == 0 ? "web" : "scorer",
            ["Fraud__Partitions"] = Partitions.ToString(CultureInfo.InvariantCulture),
            // Not in docker-compose.yml: the mock broker's rebalances (see SessionTimeout).
            ["Kafka__Consumer__SessionTimeout"] = SessionTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Kafka__Consumer__Properties__heartbeat.interval.ms"] = "500",
        };
        if (index == 0)
        {
            environment["AKKAFRAUD_ADMIN_TOKEN"] = AdminToken;
        }

        if (_hoconFile is not null)
        {
            environment["Node__HoconFile"] = _hoconFile;
        }

        if (_nodes.Remove(name, out var old))
        {
            _ = old.DisposeAsync().AsTask();
        }

        var directory = Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;
        var node = NodeProcess.Start(_published, name, new Uri($"http://{host}:{_httpPort}"), environment, directory);
        _nodes[name] = node;
        _output.WriteLine($"started {name} on {host} (pid {node.Id})");
        return node;
    }

    /// <summary>Waits until every running scorer owns partitions and together they own all of them, each once.</summary>
    public async Task WaitUntilPartitionsSpreadAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var owned = Scorers.Where(s => !s.HasExited).Select(OwnedPartitions).ToList();
            if (owned.All(o => o.Count > 0) && owned.Sum(o => o.Count) == Partitions && owned.SelectMany(o => o).Distinct().Count() == Partitions)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the scorers did not share the partitions within 2 minutes:\n" + Outputs());
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Produces the oracle's records at a steady rate in the background, every 100th with garbage headers, and the
    /// hostile records once a fifth of them is out. With <paramref name="lastTenthAfter"/>, the last tenth waits for
    /// that task: a fault test can be sure records still arrive after its fault, however slow the box.
    /// </summary>
    public Task ProduceSteadily(int recordsPerSecond = 3_000, Task? lastTenthAfter = null) => Task.Run(async () =>
    {
        var first = Oracle.Records.Count / 5;
        var last = Oracle.Records.Count - Oracle.Records.Count / 10;
        await Oracle.ProduceAsync(Kafka.BootstrapServers, "transactions", Oracle.Paced(Oracle.Records.Take(first), recordsPerSecond), headersEvery: 100);
        await HostileRecords.ProduceAsync(Kafka.BootstrapServers, "transactions", Oracle.Records[first].Timestamp);
        await Oracle.ProduceAsync(Kafka.BootstrapServers, "transactions", Oracle.Paced(Oracle.Records.Take(last).Skip(first), recordsPerSecond), headersEvery: 100);
        if (lastTenthAfter is not null)
        {
            await lastTenthAfter;
        }

        await Oracle.ProduceAsync(Kafka.BootstrapServers, "transactions", Oracle.Paced(Oracle.Records.Skip(last), recordsPerSecond), headersEvery: 100);
    });

    /// <summary>
    /// Waits until the scorers share the partitions, starts <see cref="ProduceSteadily"/> and returns its task once
    /// <paramref name="share"/> of the oracle's transactions are committed: the moment to inject a fault.
    /// </summary>
    public async Task<Task> StreamUntilCommittedAsync(double share, int recordsPerSecond = 3_000, Task? lastTenthAfter = null)
    {
        await WaitUntilPartitionsSpreadAsync();
        var production = ProduceSteadily(recordsPerSecond, lastTenthAfter);
        await WaitForShareAsync(share);
        return production;
    }

    public void AssertNoNodeExited(string when) =>
        Assert.All(_nodes.Values, node => Assert.False(node.HasExited, $"{node.Name} exited {when} (code {(node.HasExited ? node.ExitCode : 0)}):\n{node.Output}"));

    public async Task WaitForShareAsync(double share)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while ((await Store.GetTotalsAsync()).Transactions < Oracle.Transactions * share)
        {
            Assert.True(DateTime.UtcNow < deadline, $"less than {share:P0} committed within 3 minutes:\n{Outputs()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The partitions a node owns now, from its own log ("Partitions assigned: 3@120, 7@0", "Partitions revoked: 3").</summary>
    public static IReadOnlySet<int> OwnedPartitions(NodeProcess node)
    {
        var owned = new HashSet<int>();
        foreach (var line in node.Output.Split('\n'))
        {
            if (AssignedLine().Match(line) is { Success: true } assigned)
            {
                owned.UnionWith(assigned.Groups[1].Value.Split(", ").Select(p => int.Parse(p.Split('@')[0], CultureInfo.InvariantCulture)));
            }
            else if (RevokedLine().Match(line) is { Success: true } revoked)
            {
                owned.ExceptWith(revoked.Groups[1].Value.Split(", ").Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
            }
        }

        return owned;
    }

    /// <summary>Partitions (of <paramref name="partitions"/>) whose stored offset is below the high watermark: work pending.</summary>
    public async Task<List<int>> PendingAsync(IEnumerable<int> partitions)
    {
        var stored = await StoredOffsetsAsync();
        var watermarks = KafkaTopic.Watermarks(Kafka.BootstrapServers, "transactions", Partitions);
        return [.. partitions.Where(p => Math.Max(stored[p], 0) < watermarks[p].High)];
    }

    /// <summary>
    /// Asserts that a fault about to be injected lands mid-stream: records still arriving, not all committed, and some
    /// of <paramref name="partitions"/> (the victim's) with uncommitted records. Returns those.
    /// </summary>
    public async Task<List<int>> AssertWorkPendingAsync(Task production, IEnumerable<int> partitions, string fault)
    {
        var owned = partitions.Order().ToList();
        // One look can find a victim that has just committed up to the high watermark of each of its partitions (seen
        // once at 1,000 records/s); records keep arriving, so look again for up to 10 s before the fault is let go.
        var pending = await PendingAsync(owned);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); pending.Count == 0 && !production.IsCompleted && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20);
            pending = await PendingAsync(owned);
        }

        var committed = (await Store.GetTotalsAsync()).Transactions;
        Assert.False(production.IsCompleted, $"records must still be arriving at the {fault}");
        Assert.True(committed < Oracle.Transactions, $"work must be pending at the {fault}: {committed} of {Oracle.Transactions} committed");
        Assert.True(pending.Count > 0, $"the {fault} must hit partitions with uncommitted records (of {string.Join(", ", owned)})");
        _output.WriteLine($"{fault} at {committed} of {Oracle.Transactions} committed; partitions {string.Join(", ", owned)}, pending {string.Join(", ", pending)}");
        return pending;
    }

    /// <summary>Every partition's stored offset (the warehouse's), -1 where none is stored yet.</summary>
    public async Task<Dictionary<int, long>> StoredOffsetsAsync()
    {
        var stored = await Store.GetOffsetsAsync(await _kafkaCluster.GetAsync(), "akkafraud-scorer", [.. Enumerable.Range(0, Partitions).Select(p => new StoredPartition("transactions", p))]);
        return Enumerable.Range(0, Partitions).ToDictionary(p => p, p => stored.TryGetValue(new StoredPartition("transactions", p), out var offset) ? offset : -1);
    }

    /// <summary>Holds the stored-offset rows of <paramref name="partitions"/> locked, as a writer mid-commit does, until disposed.</summary>
    public Task<StoredOffsetLock> LockStoredOffsetsAsync(IEnumerable<int> partitions) =>
        StoredOffsetLock.TakeAsync(_connectionString, "akkafraud-scorer", "transactions", [.. partitions]);

    /// <summary>
    /// The warehouse holds every record; then it, the dead letters and both output topics equal the oracle (or
    /// <paramref name="oracle"/>, one of the same records with another rule schedule).
    /// </summary>
    public async Task AssertEverythingMatchesTheOracleAsync(Oracle? oracle = null)
    {
        oracle ??= Oracle;
        await oracle.WaitUntilStoredAsync(Store, TimeSpan.FromMinutes(4), Outputs);
        await oracle.AssertWarehouseMatchesAsync(Store);
        oracle.AssertKafkaOutputsMatch(
            await Store.AllDeadLettersAsync(),
            KafkaTopic.ReadAll(Kafka.BootstrapServers, "fraud-alerts", OutputPartitions),
            KafkaTopic.ReadAll(Kafka.BootstrapServers, "transactions-dlq", OutputPartitions),
            KafkaTopic.ReadAll(Kafka.BootstrapServers, "transactions", Partitions),
            "transactions");
    }

    /// <summary>The last lines of every node, for a failure message.</summary>
    public string Outputs() =>
        string.Join("\n", _nodes.Values.Select(n => $"--- {n.Name} ---\n{string.Join('\n', n.Output.Split('\n').TakeLast(15))}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            _output.WriteLine($"--- {node.Name} (pid {node.Id}) ---\n{node.Output}");
            await node.DisposeAsync();
        }

        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        Kafka.Dispose();
        await _dropDatabase();
        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex(@"Partitions assigned: (.+)$")]
    private static partial Regex AssignedLine();

    [GeneratedRegex(@"Partitions (?:revoked|lost): (.+)$")]
    private static partial Regex RevokedLine();
}
