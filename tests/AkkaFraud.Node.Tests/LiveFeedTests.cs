using Xunit.Abstractions;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using AkkaFraud.Node.Live;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFraud.Node.Tests;

[Collection(SharedNodeTests.Name)]
public sealed class Live_feed(SharedNode shared)
{
    private TestNode Node => shared.Node;

    [Fact]
    public async Task An_injected_fraud_arrives_as_an_alert_with_its_reasons_for_that_account()
    {
        var alerts = new ConcurrentQueue<JsonElement>();
        await using var hub = Node.Hub();
        hub.On<JsonElement[]>("alerts", batch =>
        {
            foreach (var alert in batch)
            {
                alerts.Enqueue(alert);
            }
        });
        await hub.StartAsync();

        var (account, transactionIds) = await Node.InjectAsync("large-amount");

        Assert.NotEmpty(transactionIds);
        JsonElement? ours = null;
        await Eventually.TrueAsync(() =>
        {
            ours = alerts.FirstOrDefault(a => a.GetProperty("accountId").GetString() == account && transactionIds.Contains(a.GetProperty("transactionId").GetString()));
            return Task.FromResult(ours is { ValueKind: JsonValueKind.Object });
        }, TimeSpan.FromMinutes(1), $"the alert for account {account} on the hub");
        var alert = ours!.Value;
        Assert.Equal("alert:" + alert.GetProperty("transactionId").GetString(), alert.GetProperty("alertId").GetString());
        Assert.Contains(alert.GetProperty("decision").GetString(), new[] { "review", "block" });
        var reason = Assert.Single(alert.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "large-amount");
        Assert.Equal("threshold", reason.GetProperty("kind").GetString());
        Assert.True(reason.GetProperty("observed").GetDecimal() > reason.GetProperty("limit").GetDecimal());
        Assert.False(string.IsNullOrEmpty(reason.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_client_gets_the_member_list_on_connect_and_cluster_metrics_every_second()
    {
        var members = new TaskCompletionSource<JsonElement[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var snapshots = new ConcurrentQueue<JsonElement>();
        await using var hub = Node.Hub();
        hub.On<JsonElement[]>("membership", list => members.TrySetResult(list));
        hub.On<JsonElement>("metrics", snapshots.Enqueue);
        await hub.StartAsync();

        var list = await members.Task.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("up", Assert.Single(list).GetProperty("status").GetString());
        await Eventually.TrueAsync(() => Task.FromResult(snapshots.Count >= 3 && snapshots.Last().GetProperty("totals").GetProperty("scored").GetInt64() > 0),
            TimeSpan.FromMinutes(1), "three snapshots with scored transactions");

        var last = snapshots.Last();
        Assert.Equal(1, last.GetProperty("scorerNodes").GetInt32());
        foreach (var field in new[] { "at", "consumedPerSecond", "scoredPerSecond", "flaggedPerSecond", "deadLetteredPerSecond", "flagRate",
                     "p50LatencyMs", "p99LatencyMs", "consumerLag", "ruleHits", "topAccounts", "ingestGaps" })
        {
            Assert.True(last.TryGetProperty(field, out _), $"snapshot lacks {field}");
        }

        Assert.InRange(last.GetProperty("flagRate").GetDouble(), 0, 1);
        var totals = snapshots.Select(s => s.GetProperty("totals").GetProperty("scored").GetInt64()).ToList();
        Assert.Equal(totals.Order(), totals);
        Assert.Contains(snapshots, s => s.GetProperty("p99LatencyMs").ValueKind == JsonValueKind.Number);
    }
}

/// <summary>
/// A client that connects and then never reads a byte, while a fixed run of records goes through the pipeline next to
/// a client that does read.
/// </summary>
public sealed class Stalled_client(ITestOutputHelper output)
{
    private const int Records = 10_000;
    private const int Chunk = 250;
    private const int AlertBuffer = 500;

    [Fact]
    public async Task Does_not_stop_a_single_record_of_a_fixed_run_from_being_scored_and_its_buffer_stays_bounded()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", $"Live:AlertBufferPerClient={AlertBuffer}");
        using var stalled = await NeverReadingClient.ConnectAsync(node.BaseAddress, "/hubs/live");
        var healthyAlerts = new ConcurrentDictionary<string, bool>();
        await using var healthy = node.Hub();
        healthy.On<JsonElement[]>("alerts", batch =>
        {
            foreach (var alert in batch)
            {
                healthyAlerts[alert.GetProperty("alertId").GetString()!] = true;
            }
        });
        await healthy.StartAsync();
        var clients = node.Node.Services.GetRequiredService<LiveClients>();
        LiveClient? stalledOutbox = null;
        await Eventually.TrueAsync(() => Task.FromResult((stalledOutbox = clients.Find(stalled.ConnectionId)) is not null),
            TimeSpan.FromMinutes(1), "the stalled client's connection on the server");

        await ProduceFraudHeavyRunAsync(node);

        // Every record of the run is committed while the stalled client is connected...
        await Eventually.TrueAsync(async () =>
        {
            var totals = await node.Store.GetTotalsAsync();
            return totals.Transactions + totals.DeadLetters == Records;
        }, TimeSpan.FromMinutes(4), $"all {Records} records committed");
        var flagged = (await node.Store.GetTotalsAsync()).Flagged;
        Assert.True(flagged > AlertBuffer * 2, $"the run must flag far more alerts than the buffer holds ({flagged})");

        // The lag probe agrees: nothing is left behind in Kafka.
        var aggregator = node.Node.Services.GetRequiredService<MetricsAggregator>();
        await Eventually.TrueAsync(() => Task.FromResult(aggregator.ConsumerLag == 0), TimeSpan.FromMinutes(1), "consumer lag 0 once everything is committed");

        // ...the client that reads receives every alert...
        var healthyOutbox = clients.Find(healthy.ConnectionId!)!;
        await Eventually.TrueAsync(() => Task.FromResult(healthyAlerts.Count == flagged),
            TimeSpan.FromMinutes(1), $"the reading client to get all {flagged} alerts (it has {healthyAlerts.Count}, dropped {healthyOutbox.DroppedAlerts})");
        Assert.Equal(0, healthyOutbox.DroppedAlerts);

        // ...and the stalled one held at most its bounded buffer: the server could not hand it everything, so it lost
        // its oldest alerts (or SignalR cut it off for not reading, after which nothing more was queued for it).
        output.WriteLine($"flagged {flagged}; stalled: sent {stalledOutbox!.SentAlerts} in {stalledOutbox.AlertPushes} pushes, " +
                         $"queued {stalledOutbox.QueuedAlerts} (peak {stalledOutbox.PeakQueuedAlerts}), dropped {stalledOutbox.DroppedAlerts}, " +
                         $"still connected: {clients.Find(stalled.ConnectionId) is not null}");
        Assert.InRange(stalledOutbox.PeakQueuedAlerts, 1, AlertBuffer);
        Assert.True(stalledOutbox.SentAlerts < flagged, "the stalled client cannot have taken every alert");
        Assert.True(stalledOutbox.DroppedAlerts > 0 || clients.Find(stalled.ConnectionId) is null, "it lost its oldest alerts or was disconnected");
    }

    /// <summary>
    /// Produces the run in chunks, each once the previous one is committed, so that a client that does read (with
    /// the same buffer size) keeps up, while the stalled one falls behind by the whole run.
    /// </summary>
    private static async Task ProduceFraudHeavyRunAsync(TestNode node)
    {
        var kafka = node.Node.Settings.Kafka;
        var simulator = new TrafficSimulator(new SimulatorOptions
        {
            Seed = 42,
            Accounts = 300,
            EventsPerSecond = 50,
            FraudShare = 0.4,
            InvalidShare = 0.01,
            Start = DateTimeOffset.UtcNow.AddMinutes(-30),
        });
        using var producer = KafkaProducer.Create(kafka);
        var produced = 0;
        foreach (var chunk in simulator.Records().Take(Records).Chunk(Chunk))
        {
            foreach (var record in chunk)
            {
                producer.Produce(kafka.TransactionsTopic, new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes(record.Key),
                    Value = record.Value,
                    Timestamp = new Timestamp(record.Timestamp),
                });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromMinutes(1)));
            produced += chunk.Length;
            await Eventually.TrueAsync(async () =>
            {
                var totals = await node.Store.GetTotalsAsync();
                return totals.Transactions + totals.DeadLetters >= produced;
            }, TimeSpan.FromMinutes(2), $"{produced} records committed");
        }
    }
}
