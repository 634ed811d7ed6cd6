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

        var (account, transactionIds) = await Node.InjectFlaggedLargeAmountAsync();

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
    public async Task Stays_connected_within_the_stalled_client_timeout_loses_only_its_oldest_alerts_and_stops_no_record()
    {
        await using var run = await StalledRun.StartAsync(stalledClientTimeoutSeconds: 3600);

        await ProduceFraudHeavyRunAsync(run.Node);
        var flagged = await run.AssertEveryRecordCommittedAndTheReaderGotEveryAlertAsync();

        // The server could not hand the stalled client everything, and it was never cut off, so its outbox held at
        // most its bounded buffer and dropped the oldest alerts.
        var outbox = run.StalledOutbox;
        output.WriteLine($"flagged {flagged}; stalled: sent {outbox.SentAlerts} in {outbox.AlertPushes} pushes, " +
                         $"queued {outbox.QueuedAlerts} (peak {outbox.PeakQueuedAlerts}), dropped {outbox.DroppedAlerts}");
        Assert.Same(outbox, run.Clients.Find(run.Stalled.ConnectionId));
        Assert.InRange(outbox.PeakQueuedAlerts, 1, AlertBuffer);
        Assert.True(outbox.SentAlerts < flagged, $"the stalled client cannot have taken every alert ({outbox.SentAlerts} of {flagged})");
        Assert.True(outbox.DroppedAlerts > 0, "it must have lost its oldest alerts");
        Assert.Equal(flagged, outbox.SentAlerts + outbox.QueuedAlerts + outbox.DroppedAlerts + outbox.InFlightAlerts);
    }

    [Fact]
    public async Task Is_disconnected_after_the_stalled_client_timeout_and_its_outbox_is_freed_while_every_record_is_scored()
    {
        await using var run = await StalledRun.StartAsync(stalledClientTimeoutSeconds: 2);

        var production = ProduceFraudHeavyRunAsync(run.Node);
        await Eventually.TrueAsync(() => Task.FromResult(run.Clients.Find(run.Stalled.ConnectionId) is null || production.IsCompleted),
            TimeSpan.FromMinutes(4), "the stalled client disconnected by the server");
        Assert.False(production.IsCompleted, "the server must cut the stalled client off while the run is still being produced");
        Assert.True(run.StalledOutbox.SentAlerts > 0, "it was disconnected because a send to it stalled, after it had taken some alerts");
        await production;

        await run.AssertEveryRecordCommittedAndTheReaderGotEveryAlertAsync();
        Assert.Null(run.Clients.Find(run.Stalled.ConnectionId));
    }

    /// <summary>A node with the stalled client and a reading client connected; both outboxes found on the server.</summary>
    private sealed class StalledRun : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, bool> _readerAlerts = new();
        private HubConnection _reader = null!;

        private StalledRun(TestNode node, NeverReadingClient stalled)
        {
            Node = node;
            Stalled = stalled;
            Clients = node.Node.Services.GetRequiredService<LiveClients>();
        }

        public TestNode Node { get; }

        public NeverReadingClient Stalled { get; }

        public LiveClients Clients { get; }

        public LiveClient StalledOutbox { get; private set; } = null!;

        public static async Task<StalledRun> StartAsync(int stalledClientTimeoutSeconds)
        {
            var node = await TestNode.StartAsync("Simulator:Enabled=false", $"Live:AlertBufferPerClient={AlertBuffer}",
                $"Live:StalledClientTimeoutSeconds={stalledClientTimeoutSeconds}");
            var run = new StalledRun(node, await NeverReadingClient.ConnectAsync(node.BaseAddress, "/hubs/live"));
            run._reader = node.Hub();
            run._reader.On<JsonElement[]>("alerts", batch =>
            {
                foreach (var alert in batch)
                {
                    run._readerAlerts[alert.GetProperty("alertId").GetString()!] = true;
                }
            });
            await run._reader.StartAsync();
            LiveClient? outbox = null;
            await Eventually.TrueAsync(() => Task.FromResult((outbox = run.Clients.Find(run.Stalled.ConnectionId)) is not null),
                TimeSpan.FromMinutes(1), "the stalled client's connection on the server");
            run.StalledOutbox = outbox!;
            return run;
        }

        /// <summary>Every record of the run committed, no lag left, and the reading client got every alert.</summary>
        public async Task<long> AssertEveryRecordCommittedAndTheReaderGotEveryAlertAsync()
        {
            await Eventually.TrueAsync(async () =>
            {
                var totals = await Node.Store.GetTotalsAsync();
                return totals.Transactions + totals.DeadLetters == Records;
            }, TimeSpan.FromMinutes(4), $"all {Records} records committed");
            var flagged = (await Node.Store.GetTotalsAsync()).Flagged;
            Assert.True(flagged > AlertBuffer * 2, $"the run must flag far more alerts than the buffer holds ({flagged})");

            var aggregator = Node.Node.Services.GetRequiredService<MetricsAggregator>();
            await Eventually.TrueAsync(() => Task.FromResult(aggregator.ConsumerLag == 0), TimeSpan.FromMinutes(1), "consumer lag 0 once everything is committed");

            var readerOutbox = Clients.Find(_reader.ConnectionId!)!;
            await Eventually.TrueAsync(() => Task.FromResult(_readerAlerts.Count == flagged),
                TimeSpan.FromMinutes(1), $"the reading client to get all {flagged} alerts (it has {_readerAlerts.Count}, dropped {readerOutbox.DroppedAlerts})");
            Assert.Equal(0, readerOutbox.DroppedAlerts);
            return flagged;
        }

        public async ValueTask DisposeAsync()
        {
            await _reader.DisposeAsync();
            Stalled.Dispose();
            await Node.DisposeAsync();
        }
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
