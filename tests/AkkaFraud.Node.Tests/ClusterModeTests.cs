using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.TestSupport;
using Confluent.Kafka;
using Microsoft.AspNetCore.SignalR.Client;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// Cluster mode with real PostgreSQL: a scorer-only node and a web-only node, configured the way a deployment
/// configures them (Kafka__BootstrapServers, ConnectionStrings__Fraud, Node__Roles, Node__SeedNodes). Whatever the
/// scorer commits reaches the web node's clients through DistributedPubSub, and the web node reaches the accounts
/// through its shard region proxy.
/// </summary>
public sealed class Cluster_mode(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const int Records = 2_000;

    [Fact]
    public async Task A_web_only_node_serves_what_a_scorer_node_scores()
    {
        using var kafka = KafkaWithTopics();
        var topics = new KafkaSettings();
        var seedPort = TestPorts.Free();
        string[] cluster =
        [
            $"Kafka:BootstrapServers={kafka.BootstrapServers}",
            $"ConnectionStrings:Fraud={database.ConnectionString}",
            "Node:Hostname=127.0.0.1",
            $"Node:SeedNodes=akka.tcp://akkafraud@127.0.0.1:{seedPort}",
        ];
        await using var scorer = await TestNode.StartAsync([.. cluster, "Node:Roles=scorer", $"Node:Port={seedPort}"]);
        await using var web = await TestNode.StartAsync([.. cluster, "Node:Roles=web", $"Node:Port={TestPorts.Free()}", "Live:AlertBufferPerClient=10000"]);

        var alerts = new ConcurrentDictionary<string, JsonElement>();
        var snapshots = new ConcurrentQueue<JsonElement>();
        // A cluster gives requests without credentials no role: the hub needs a key (here the admin token).
        await using var hub = web.Hub(o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestNode.AdminToken));
        hub.On<JsonElement[]>("alerts", batch =>
        {
            foreach (var alert in batch)
            {
                alerts[alert.GetProperty("alertId").GetString()!] = alert;
            }
        });
        hub.On<JsonElement>("metrics", snapshots.Enqueue);
        await hub.StartAsync();

        // The scorer publishes alerts to the subscribers it knows of, and it learns of the web node's by gossip some time
        // after both are up: until its stats reach the web node, the first alerts could be published to nobody.
        await Eventually.TrueAsync(() => Task.FromResult(snapshots.Any(s => s.GetProperty("scorerNodes").GetInt32() == 1)),
            TimeSpan.FromMinutes(1), "the scorer's stats on the web node (its pub-sub knows the web node's subscriptions)");
        await ProduceAsync(kafka.BootstrapServers, topics.TransactionsTopic);
        await Eventually.TrueAsync(async () =>
        {
            var totals = await web.Store.GetTotalsAsync();
            return totals.Transactions + totals.DeadLetters == Records;
        }, TimeSpan.FromMinutes(3), $"all {Records} records committed by the scorer");
        var flagged = (await web.Store.GetTotalsAsync()).Flagged;
        Assert.True(flagged > 0);

        // Alerts and metrics cross from the scorer node to the web node's clients.
        await Eventually.TrueAsync(() => Task.FromResult(alerts.Count == flagged), TimeSpan.FromMinutes(1), $"all {flagged} alerts on the web node's hub (the run arrives in one burst; the buffer holds it)");
        await Eventually.TrueAsync(() => Task.FromResult(snapshots.Any(s => s.GetProperty("totals").GetProperty("scored").GetInt64() + s.GetProperty("totals").GetProperty("deadLettered").GetInt64() == Records)),
            TimeSpan.FromMinutes(1), "a snapshot that counts the whole run");
        Assert.Equal(1, snapshots.Last().GetProperty("scorerNodes").GetInt32());

        // The account, through the web node's shard region proxy.
        var account = alerts.Values.First().GetProperty("accountId").GetString()!;
        var summary = (await web.GetJsonAsync($"/api/accounts/{account}", web.Admin)).GetProperty("summary");
        Assert.True(summary.GetProperty("transactionCount").GetInt64() >= 1);

        // Two members, one role each; the web node is ready without a pipeline, the scorer serves no API.
        // Reads are closed on a cluster web node: no role without credentials (Security:AnonymousRole).
        using var closed = await web.Http.GetAsync(new Uri("/api/cluster/members", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, closed.StatusCode);
        using var membersResponse = await web.Admin.GetAsync(new Uri("/api/cluster/members", UriKind.Relative));
        var members = JsonDocument.Parse(await membersResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.All(members, m => Assert.Equal("Up", m.GetProperty("status").GetString()));
        Assert.Equal(["scorer", "web"], members.Select(m => Assert.Single(m.GetProperty("roles").EnumerateArray()).GetString()!).Order());
        var checks = (await web.GetJsonAsync("/ready")).GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order();
        Assert.Equal(["actor-system", "cluster-member", "warehouse"], checks);
        using var scorerApi = await scorer.Http.GetAsync(new Uri("/api/totals", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, scorerApi.StatusCode);
    }

    [Fact]
    public async Task Ready_turns_503_naming_the_warehouse_while_PostgreSQL_is_stopped_and_200_when_it_is_back()
    {
        using var kafka = KafkaWithTopics();
        await using var postgres = await PostgresServer.StartPrivateAsync();
        var port = TestPorts.Free();
        await using var node = await TestNode.StartAsync(
            $"Kafka:BootstrapServers={kafka.BootstrapServers}",
            $"ConnectionStrings:Fraud={await postgres.CreateDatabaseAsync("ready")}",
            "Node:Hostname=127.0.0.1",
            $"Node:Port={port}",
            $"Node:SeedNodes=akka.tcp://akkafraud@127.0.0.1:{port}");

        await postgres.StopAsync();
        JsonElement report = default;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await node.Http.GetAsync(new Uri("/ready", UriKind.Relative));
            report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(30), "/ready to answer 503 with PostgreSQL stopped");
        var warehouse = report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "warehouse");
        Assert.Equal("unhealthy", warehouse.GetProperty("status").GetString());
        Assert.Contains("PostgreSql does not answer", warehouse.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("unhealthy", report.GetProperty("status").GetString());

        await postgres.StartAsync();
        await node.WaitUntilReadyAsync();
        Assert.Equal("healthy", (await node.GetJsonAsync("/ready")).GetProperty("status").GetString());
    }

    /// <summary>An in-process Kafka with the three topics at the partition counts a deployment creates.</summary>
    private static EmbeddedKafka KafkaWithTopics()
    {
        var kafka = new EmbeddedKafka();
        var topics = new KafkaSettings();
        kafka.CreateTopic(topics.TransactionsTopic, 12);
        kafka.CreateTopic(topics.AlertsTopic, 3);
        kafka.CreateTopic(topics.DeadLetterTopic, 3);
        return kafka;
    }

    private static async Task ProduceAsync(string bootstrapServers, string topic)
    {
        var simulator = new TrafficSimulator(new SimulatorOptions
        {
            Seed = 8, Accounts = 200, EventsPerSecond = 20, FraudShare = 0.2, Start = DateTimeOffset.UtcNow.AddMinutes(-10),
        });
        using var producer = KafkaProducer.Create(new KafkaSettings { BootstrapServers = bootstrapServers });
        foreach (var record in simulator.Records().Take(Records))
        {
            producer.Produce(topic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(record.Key),
                Value = record.Value,
                Timestamp = new Timestamp(record.Timestamp),
            });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromMinutes(1)));
        await Task.CompletedTask;
    }
}
