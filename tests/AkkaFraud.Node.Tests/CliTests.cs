using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.TestSupport;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// The <c>akkafraud</c> CLI, as its own process, against a running node whose management reads are closed (as on a
/// cluster web node): what it prints for scripts is what the API says, its tables show the same facts, and every
/// mistake a user can make ends in one line on stderr and an exit code a script can test.
/// </summary>
public sealed class Cli_against_a_node : IAsyncLifetime
{
    private TestNode _node = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:AnonymousRole=none");
        _url = _node.BaseAddress.ToString();
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private Dictionary<string, string> Admin => new() { ["AKKAFRAUD_URL"] = _url, ["AKKAFRAUD_ADMIN_TOKEN"] = TestNode.AdminToken };

    [Fact]
    public async Task Members_as_json_is_what_the_api_answers_and_the_tables_show_the_same_member()
    {
        var json = await CliProcess.RunAsync(Admin, "cluster", "members", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var api = await _node.Admin.GetStringAsync(new Uri("/api/cluster/members", UriKind.Relative));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(api), JsonNode.Parse(json.Out)), $"CLI: {json.Out}\nAPI: {api}");
        var self = JsonDocument.Parse(api).RootElement.GetProperty("selfNode").GetString()!;

        var show = await CliProcess.RunAsync(Admin, "cluster", "show");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("1 members, 1 up, 0 unreachable; leader " + self.Replace("akka.tcp://", "", StringComparison.Ordinal), show.Out, StringComparison.Ordinal);
        Assert.Empty(show.Error);

        // The web node reads Kafka and the warehouse once a second: right after start it has no reading yet.
        CliProcess.Result partitions = null!;
        await Eventually.TrueAsync(async () =>
        {
            partitions = await CliProcess.RunAsync(Admin, "cluster", "partitions", "--json");
            Assert.True(partitions.ExitCode == 0, partitions.ToString());
            return JsonDocument.Parse(partitions.Out).RootElement.GetProperty("readAt").ValueKind != JsonValueKind.Null;
        }, TimeSpan.FromSeconds(30), "the first partition reading");
        Assert.Equal(_node.Node.Settings.Fraud.Partitions, JsonDocument.Parse(partitions.Out).RootElement.GetProperty("partitions").GetArrayLength());
        var shards = await CliProcess.RunAsync(Admin, "cluster", "shards", "account", "--json");
        Assert.True(shards.ExitCode == 0, shards.ToString());
        Assert.Equal(self, Assert.Single(JsonDocument.Parse(shards.Out).RootElement.GetProperty("regions").EnumerateArray()).GetProperty("node").GetString());
    }

    [Fact]
    public async Task Keys_are_created_listed_and_revoked_and_a_key_does_what_its_role_allows()
    {
        var created = await CliProcess.RunAsync(Admin, "keys", "create", "--name", "cli-viewer", "--role", "viewer", "--expires", "30d", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = JsonDocument.Parse(created.Out).RootElement;
        var secret = key.GetProperty("secret").GetString()!;
        var keyId = key.GetProperty("key").GetProperty("keyId").GetString()!;
        Assert.InRange((key.GetProperty("key").GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow).TotalDays, 29.9, 30.1);

        var table = await CliProcess.RunAsync(Admin, "keys", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("cli-viewer", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, table.Out, StringComparison.Ordinal);
        var again = await CliProcess.RunAsync(Admin, "keys", "create", "--name", "cli-viewer", "--role", "admin");
        Assert.True(again.ExitCode == 1 && again.Error.Contains("revoke it first", StringComparison.Ordinal), again.ToString());

        var viewer = new Dictionary<string, string> { ["AKKAFRAUD_URL"] = _url, ["AKKAFRAUD_KEY"] = secret };
        var reads = await CliProcess.RunAsync(viewer, "cluster", "members", "--json");
        Assert.True(reads.ExitCode == 0, reads.ToString());
        var leave = await CliProcess.RunAsync(viewer, "cluster", "leave", "akkafraud@10.9.9.9:4053");
        Assert.True(leave.ExitCode == 4 && leave.Error.Contains("needs operator", StringComparison.Ordinal), leave.ToString());
        var listAsViewer = await CliProcess.RunAsync(viewer, "keys", "list");
        Assert.True(listAsViewer.ExitCode == 4 && listAsViewer.Error.Contains("needs admin", StringComparison.Ordinal), listAsViewer.ToString());

        var revoke = await CliProcess.RunAsync(Admin, "keys", "revoke", "cli-viewer");
        Assert.True(revoke.ExitCode == 0 && revoke.Out.Contains(keyId, StringComparison.Ordinal), revoke.ToString());
        var revoked = await CliProcess.RunAsync(viewer, "cluster", "members");
        Assert.True(revoked.ExitCode == 4 && revoked.Error.Contains("revoked", StringComparison.Ordinal), revoked.ToString());

        // The audit names who did each of it: the admin's revoke, and the viewer's refused leave.
        var audit = await CliProcess.RunAsync(Admin, "audit", "--limit", "500", "--json");
        Assert.True(audit.ExitCode == 0, audit.ToString());
        var records = JsonDocument.Parse(audit.Out).RootElement.GetProperty("records").EnumerateArray().ToList();
        Assert.Single(records, r => r.GetProperty("action").GetString() == "RevokeKey" && r.GetProperty("path").GetString() == $"/api/keys/{keyId}"
            && r.GetProperty("actor").GetString() == "admin token" && r.GetProperty("status").GetInt32() == 200);
        Assert.Single(records, r => r.GetProperty("actor").GetString() == "cli-viewer" && r.GetProperty("role").GetString() == "viewer"
            && r.GetProperty("status").GetInt32() == 403 && r.GetProperty("outcome").GetString() == "refused");
        Assert.DoesNotContain(secret, audit.Out, StringComparison.Ordinal);
        var auditTable = await CliProcess.RunAsync(Admin, "audit");
        Assert.True(auditTable.ExitCode == 0 && auditTable.Out.Contains("RevokeKey", StringComparison.Ordinal), auditTable.ToString());
    }

    [Fact]
    public async Task Every_mistake_ends_in_one_line_that_says_what_to_do_and_its_own_exit_code()
    {
        var noToken = await CliProcess.RunAsync("cluster", "members", "--url", _url);
        var wrongToken = await CliProcess.RunAsync("cluster", "members", "--url", _url, "--token", "not-the-token-000000");
        var closedPort = await CliProcess.RunAsync("cluster", "members", "--url", $"http://127.0.0.1:{TestPorts.Free()}");
        var notAUrl = await CliProcess.RunAsync("cluster", "members", "--url", "localhost-5080");
        var unknownMember = await CliProcess.RunAsync(Admin, "cluster", "leave", "akkafraud@10.9.9.9:4053");
        var unknownVerb = await CliProcess.RunAsync(Admin, "cluster", "frobnicate");
        var badLetter = await CliProcess.RunAsync(Admin, "dlq", "replay", "3-1042");
        var noKafka = await CliProcess.RunAsync("simulate", "--bootstrap", $"127.0.0.1:{TestPorts.Free()}", "--count", "5");

        foreach (var (result, code, hint) in new[]
        {
            (noToken, 4, "--token"), (wrongToken, 4, "--token"), (closedPort, 3, "--url"), (notAUrl, 2, "--url"),
            (unknownMember, 5, "akkafraud@10.9.9.9:4053"), (unknownVerb, 2, "frobnicate"), (badLetter, 2, "PARTITION/OFFSET"),
            (noKafka, 3, "--bootstrap"),
        })
        {
            Assert.True(result.ExitCode == code, $"expected exit {code}: {result}");
            var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("akkafraud: ", line, StringComparison.Ordinal);
            Assert.Contains(hint, line, StringComparison.Ordinal);
            Assert.DoesNotContain("akkafraud:", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dead_letters_are_listed_shown_and_a_replay_that_cannot_parse_is_reported_and_fails()
    {
        var kafka = _node.Node.Settings.Kafka;
        using (var producer = KafkaProducer.Create(kafka))
        {
            await producer.ProduceAsync(kafka.TransactionsTopic, new Message<byte[]?, byte[]?> { Key = "acct-1"u8.ToArray(), Value = "{\"not\": \"a transaction\u001b[31m\"}"u8.ToArray() });
        }

        await Eventually.TrueAsync(async () => (await _node.Store.GetTotalsAsync()).DeadLetters == 1, TimeSpan.FromMinutes(1), "the dead letter stored");
        var list = await CliProcess.RunAsync(Admin, "dlq", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var letter = Assert.Single(JsonDocument.Parse(list.Out).RootElement.GetProperty("items").EnumerateArray());
        var at = $"{letter.GetProperty("partition").GetInt32()}/{letter.GetProperty("offset").GetInt64()}";

        var table = await CliProcess.RunAsync(Admin, "dlq", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("1 shown; no more", table.Out, StringComparison.Ordinal);
        var show = await CliProcess.RunAsync(Admin, ["dlq", "show", .. at.Split('/')]);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(letter.GetProperty("reasonCode").GetString()!, show.Out, StringComparison.Ordinal);
        // The escape character of the payload is shown, not sent to the terminal.
        Assert.Contains("\\u001b[31m", show.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', show.Out);

        var replay = await CliProcess.RunAsync(Admin, "dlq", "replay", at);
        Assert.True(replay.ExitCode == 1, replay.ToString());
        Assert.Contains($"skipped {at}: still rejected", replay.Out, StringComparison.Ordinal);
        var missing = await CliProcess.RunAsync(Admin, "dlq", "show", "0", "999999");
        Assert.True(missing.ExitCode == 5, missing.ToString());
    }

    [Fact]
    public async Task Simulate_produces_the_records_it_promises_and_alerts_tail_prints_each_alert_as_it_is_committed()
    {
        var kafka = _node.Node.Settings.Kafka;
        using var tail = CliProcess.Start(Admin, "alerts", "tail", "--json", "--count", "1");
        // The tail is connected once the node counts a live client; only then can it see what follows.
        var clients = _node.Node.Services.GetRequiredService<AkkaFraud.Node.Live.LiveClients>();
        await Eventually.TrueAsync(() => Task.FromResult(clients.Connected.Count > 0), TimeSpan.FromSeconds(30), "the tail connected");

        var simulate = await CliProcess.RunAsync("simulate", "--bootstrap", kafka.BootstrapServers, "--topic", kafka.TransactionsTopic,
            "--count", "300", "--rate", "3000", "--fraud-share", "0.2", "--invalid-share", "0", "--accounts", "50", "--seed", "5");
        Assert.True(simulate.ExitCode == 0, simulate.ToString());
        Assert.Contains("300 records produced", simulate.Out, StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => (await _node.Store.GetTotalsAsync()).Transactions == 300, TimeSpan.FromMinutes(1), "the 300 records committed");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var line = await tail.StandardOutput.ReadLineAsync(timeout.Token);
        await tail.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, tail.ExitCode);
        var alert = JsonDocument.Parse(line!).RootElement;
        Assert.NotNull(await _node.Store.GetTransactionAsync(alert.GetProperty("transactionId").GetString()!));
        Assert.NotEqual("allow", alert.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Cluster_events_prints_the_current_state_as_events_and_ends_cleanly_when_interrupted()
    {
        using var events = CliProcess.Start(Admin, "cluster", "events", "--type", "MemberUp", "--json");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await events.StandardOutput.ReadLineAsync(timeout.Token);
        var e = JsonDocument.Parse(line!).RootElement;
        Assert.Equal("MemberUp", e.GetProperty("type").GetString());
        Assert.Equal(Akka.Cluster.Cluster.Get(_node.Node.Services.GetRequiredService<Akka.Actor.ActorSystem>()).SelfAddress.ToString(),
            e.GetProperty("member").GetProperty("node").GetString());
        events.Kill();
    }
}

/// <summary><c>akkafraud cluster leave</c> on the only member: the node hands over and stops.</summary>
public sealed class Cli_leave
{
    [Fact]
    public async Task Leave_makes_the_member_leave_and_its_node_stop()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false");
        var system = node.Node.Services.GetRequiredService<Akka.Actor.ActorSystem>();
        var self = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();

        var leave = await CliProcess.RunAsync(new Dictionary<string, string> { ["AKKAFRAUD_ADMIN_TOKEN"] = TestNode.AdminToken },
            "cluster", "leave", self.Replace("akka.tcp://", "", StringComparison.Ordinal), "--url", node.BaseAddress.ToString());

        Assert.True(leave.ExitCode == 0, leave.ToString());
        Assert.Contains(self, leave.Out, StringComparison.Ordinal);
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
