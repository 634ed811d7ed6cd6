using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Sharding.External;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaFraud.Cluster;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Domain;
using AkkaFraud.Simulator;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;

namespace AkkaFraud.Benchmarks;

/// <summary>
/// Engine only: pre-generated transactions from memory → the ordered hop → sharded account actors (the real
/// AccountActor, checkpoint loader and extractor, one-node cluster) → discard. No Kafka, no warehouse writes.
/// </summary>
internal static class EngineBenchmark
{
    public const string Name = "engine";
    public const string Description = "transactions/s through the sharded account actors from memory (--transactions N --accounts A --in-flight W)";

    public static int Run(string[] args)
    {
        var count = BenchSupport.IntOption(args, "transactions", 1_000_000);
        var accounts = BenchSupport.IntOption(args, "accounts", 100_000);
        var inFlight = BenchSupport.IntOption(args, "in-flight", 4096);

        Console.WriteLine($"generating {count:N0} transactions for {accounts:N0} accounts…");
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 3, Accounts = accounts, EventsPerSecond = accounts * 12.0 / 86_400 });
        var transactions = simulator.Transactions().Take(count).Select(t => t.Transaction).ToArray();
        var partitions = transactions.Select(t => KafkaPartitioner.PartitionFor(t.AccountId, 12)).ToArray();

        var database = Path.Combine(Path.GetTempPath(), $"akkafraud-engine-{Guid.NewGuid():N}.db");
        var store = FraudStoreFactory.CreateAsync(new FraudStoreSettings { ConnectionString = $"Data Source={database}" }).GetAwaiter().GetResult();
        var port = BenchSupport.FreePort();
        var system = ActorSystem.Create("bench", ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}} }
            akka.cluster.seed-nodes = ["akka.tcp://bench@127.0.0.1:{{port}}"]
            akka.cluster.roles = [scorer]
            akka.cluster.sharding.state-store-mode = ddata
            akka.cluster.sharding.external-shard-allocation-strategy.client-timeout = 5s
            """));
        try
        {
            var loader = system.ActorOf(CheckpointLoader.Props(store, KafkaClusterIdentity.Known("bench")), "checkpoint-loader");
            var rules = new RuleSetSource(RuleSet.Default);
            var progress = new PartitionProgress();
            var accountSettings = new AccountSettings();
            var region = ClusterSharding.Get(system).Start(
                ShardingSetup.AccountTypeName,
                id => AccountActor.Props(id, loader, rules, progress, accountSettings),
                ClusterShardingSettings.Create(system).WithRole(ShardingSetup.ScorerRole),
                new AccountMessageExtractor(),
                new StartOnceAllocationStrategy(new ExternalShardAllocationStrategy(system, ShardingSetup.AccountTypeName)),
                PoisonPill.Instance);

            var materializer = system.Materializer();
            double Measure(int n, string label)
            {
                var hop = new OrderedTellStage<int, TransactionScored?>(region, inFlight, TimeSpan.FromMinutes(1),
                    request: (i, id) => new ScoreTransaction(id, partitions[i], i, 1, transactions[i]),
                    correlationOf: reply => reply is TransactionScored s ? s.CorrelationId : null,
                    complete: (_, reply) => reply as TransactionScored);
                var watch = Stopwatch.StartNew();
                var scored = Source.From(Enumerable.Range(0, n)).Via(hop).RunAggregate(0L, (sum, r) => sum + (r is null ? 0 : 1), materializer)
                    .GetAwaiter().GetResult();
                var rate = scored / watch.Elapsed.TotalSeconds;
                Console.WriteLine($"  {label}: {scored:N0} scored in {watch.Elapsed.TotalSeconds:F2} s = {rate:N0} tx/s");
                return rate;
            }

            // The first pass activates every account (checkpoint loads); the second is the steady state.
            Measure(count, "pass 1 (accounts activating)");
            var steady = Measure(count, "pass 2 (accounts warm)   ");
            Console.WriteLine($"engine: {steady:N0} tx/s steady (target ≥ 200,000)");
            Console.WriteLine($"command: dotnet run -c Release --project bench/AkkaFraud.Benchmarks -- {Name} --transactions {count} --accounts {accounts} --in-flight {inFlight}");
            return 0;
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(database);
        }
    }
}
