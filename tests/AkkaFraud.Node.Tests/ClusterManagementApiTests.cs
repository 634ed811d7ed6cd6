using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using AkkaFraud.Cluster;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// The cluster management API on an embedded node (one member, every role), fed known records: what it reports must
/// equal what the node holds — the members, the shards and their entities as the region itself counts them, the
/// partitions and their stored offsets.
/// </summary>
public sealed class Cluster_management_api : IAsyncLifetime
{
    private const int Records = 300;
    private TestNode _node = null!;
    private int _accounts;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("Simulator:Enabled=false");
        var kafka = _node.Node.Settings.Kafka;
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 11, Accounts = 80, FraudShare = 0.02, InvalidShare = 0, Start = DateTimeOffset.UtcNow.AddMinutes(-10) });
        var records = simulator.Records().Take(Records).ToList();
        _accounts = records.Select(r => r.Key).Distinct(StringComparer.Ordinal).Count();
        using (var producer = KafkaProducer.Create(kafka))
        {
            foreach (var record in records)
            {
                producer.Produce(kafka.TransactionsTopic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(record.Key), Value = record.Value, Timestamp = new Timestamp(record.Timestamp) });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromMinutes(1)));
        }

        await Eventually.TrueAsync(async () => (await _node.Store.GetTotalsAsync()).Transactions == Records, TimeSpan.FromMinutes(2), $"all {Records} records committed");
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Members_show_the_one_member_up_with_its_roles_as_leader_and_oldest()
    {
        var members = await _node.GetJsonAsync("/api/cluster/members");

        var self = members.GetProperty("selfNode").GetString()!;
        Assert.StartsWith("akka.tcp://akkafraud@127.0.0.1:", self, StringComparison.Ordinal);
        var member = Assert.Single(members.GetProperty("members").EnumerateArray());
        Assert.Equal(self, member.GetProperty("node").GetString());
        Assert.Equal("Up", member.GetProperty("status").GetString());
        Assert.Equal(["scorer", "web"], member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, member.GetProperty("upNumber").GetInt32());
        Assert.True(member.GetProperty("reachable").GetBoolean());
        Assert.NotEqual("0", member.GetProperty("nodeUid").GetString());
        Assert.Empty(members.GetProperty("unreachable").EnumerateArray());
        Assert.Equal(self, members.GetProperty("leader").GetString());
        Assert.Equal(self, members.GetProperty("oldest").GetString());
        Assert.Equal(self, members.GetProperty("oldestPerRole").GetProperty("scorer").GetString());
        Assert.Equal(self, members.GetProperty("oldestPerRole").GetProperty("web").GetString());
    }

    [Fact]
    public async Task A_member_is_found_by_its_address_with_or_without_the_scheme_and_an_unknown_one_is_404()
    {
        var self = (await _node.GetJsonAsync("/api/cluster/members")).GetProperty("selfNode").GetString()!;
        var bare = self["akka.tcp://".Length..];

        foreach (var address in new[] { self, bare, Uri.EscapeDataString(self) })
        {
            Assert.Equal(self, (await _node.GetJsonAsync($"/api/cluster/members/{address}")).GetProperty("node").GetString());
        }

        using var unknown = await _node.Http.GetAsync(new Uri("/api/cluster/members/akkafraud@10.9.9.9:4053", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("GET /api/cluster/members", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_operation_other_than_leave_or_down_is_400_and_an_unknown_member_404()
    {
        var self = (await _node.GetJsonAsync("/api/cluster/members")).GetProperty("selfNode").GetString()!;

        using var restart = await _node.Admin.PutAsync(new Uri($"/api/cluster/members/{self}", UriKind.Relative),
            new FormUrlEncodedContent([new("operation", "Restart")]));
        Assert.Equal(HttpStatusCode.BadRequest, restart.StatusCode);
        Assert.Contains("Leave or Down", await restart.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var none = await _node.Admin.PutAsync(new Uri($"/api/cluster/members/{self}", UriKind.Relative), new StringContent(""));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);

        using var unknown = await _node.Admin.PutAsJsonAsync(new Uri("/api/cluster/members/akkafraud@10.9.9.9:4053", UriKind.Relative), new { operation = "down" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var unknownLeave = await _node.Admin.DeleteAsync(new Uri("/api/cluster/members/akkafraud@10.9.9.9:4053", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknownLeave.StatusCode);
        Assert.Equal("Up", (await _node.GetJsonAsync("/api/cluster/members")).GetProperty("members")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Shards_and_their_entities_are_what_the_region_itself_hosts()
    {
        var regions = (await _node.GetJsonAsync("/api/cluster/shards/account")).GetProperty("regions").EnumerateArray().ToList();

        var region = Assert.Single(regions);
        Assert.True(region.GetProperty("answered").GetBoolean());
        var reported = region.GetProperty("shards").EnumerateArray()
            .ToDictionary(s => s.GetProperty("shardId").GetString()!, s => s.GetProperty("numEntities").GetInt32());
        var actual = await _node.Node.Services.GetRequiredService<IRequiredActor<AccountRegion>>().ActorRef
            .Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(actual.Shards.ToDictionary(s => s.ShardId, s => s.EntityIds.Count), reported);
        Assert.Equal(_accounts, reported.Values.Sum());

        using var unknown = await _node.Http.GetAsync(new Uri("/api/cluster/shards/orders", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("account", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_node_reports_its_pipeline_partitions_shards_and_entities()
    {
        var settings = _node.Node.Settings;
        var node = Assert.Single((await _node.GetJsonAsync("/api/cluster/nodes")).GetProperty("nodes").EnumerateArray());
        var shards = (await _node.GetJsonAsync("/api/cluster/shards/account")).GetProperty("regions")[0].GetProperty("shards").EnumerateArray().ToList();

        Assert.True(node.GetProperty("answered").GetBoolean());
        Assert.Equal("running", node.GetProperty("pipeline").GetString());
        Assert.Equal(Enumerable.Range(0, settings.Fraud.Partitions), node.GetProperty("partitions").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal(shards.Count, node.GetProperty("shards").GetInt32());
        Assert.Equal(_accounts, node.GetProperty("entities").GetInt32());
        Assert.True(node.GetProperty("transactionsPerSecond").GetDouble() >= 0);
    }

    [Fact]
    public async Task Partitions_show_their_owner_stored_offsets_summing_to_the_records_and_no_lag()
    {
        var settings = _node.Node.Settings;
        var self = (await _node.GetJsonAsync("/api/cluster/members")).GetProperty("selfNode").GetString();
        JsonElement[] partitions = [];
        await Eventually.TrueAsync(async () =>
        {
            partitions = [.. (await _node.GetJsonAsync("/api/cluster/partitions")).GetProperty("partitions").EnumerateArray()];
            return partitions.Length == settings.Fraud.Partitions && partitions.Sum(p => p.GetProperty("lag").GetInt64()) == 0
                && partitions.Sum(p => p.GetProperty("storedOffset").ValueKind == JsonValueKind.Number ? p.GetProperty("storedOffset").GetInt64() : 0) == Records;
        }, TimeSpan.FromSeconds(30), $"{settings.Fraud.Partitions} partitions read, {Records} records stored, no lag");

        Assert.Equal(Enumerable.Range(0, settings.Fraud.Partitions), partitions.Select(p => p.GetProperty("partition").GetInt32()));
        Assert.All(partitions, p => Assert.Equal(self, p.GetProperty("owner").GetString()));
        Assert.All(partitions, p => Assert.Equal(p.GetProperty("highWatermark").GetInt64(),
            p.GetProperty("storedOffset").ValueKind == JsonValueKind.Number ? p.GetProperty("storedOffset").GetInt64() : 0));
        Assert.All(partitions.Where(p => p.GetProperty("storedOffset").ValueKind == JsonValueKind.Number),
            p => Assert.InRange(p.GetProperty("lastCommitAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task Events_start_with_the_current_state_the_member_up_and_every_partition_moved_here()
    {
        var self = (await _node.GetJsonAsync("/api/cluster/members")).GetProperty("selfNode").GetString();
        var partitions = _node.Node.Settings.Fraud.Partitions;

        var events = await ReadEventsAsync("/api/cluster/events", until: e => e.Count(x => x.Type == "PartitionMoved") == partitions && e.Any(x => x.Type == "MemberUp"));

        var up = events.First(e => e.Type == "MemberUp").Data;
        Assert.Equal(self, up.GetProperty("member").GetProperty("node").GetString());
        Assert.Equal("Up", up.GetProperty("member").GetProperty("status").GetString());
        var moves = events.Where(e => e.Type == "PartitionMoved").Select(e => e.Data.GetProperty("move")).ToList();
        Assert.Equal(Enumerable.Range(0, partitions), moves.Select(m => m.GetProperty("partition").GetInt32()).Order());
        Assert.All(moves, m => Assert.Equal((JsonValueKind.Null, self), (m.GetProperty("from").ValueKind, m.GetProperty("to").GetString())));
        Assert.All(events, e => Assert.Equal(e.Type, e.Data.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Events_are_filtered_by_type_and_an_unknown_type_is_400()
    {
        var self = (await _node.GetJsonAsync("/api/cluster/members")).GetProperty("selfNode").GetString();

        var events = await ReadEventsAsync("/api/cluster/events?type=LeaderChanged,MemberUp", until: e => e.Any(x => x.Type == "LeaderChanged") && e.Any(x => x.Type == "MemberUp"));

        Assert.All(events, e => Assert.Contains(e.Type, new[] { "LeaderChanged", "MemberUp" }));
        Assert.Equal(self, events.First(e => e.Type == "LeaderChanged").Data.GetProperty("leader").GetString());
        using var unknown = await _node.Http.GetAsync(new Uri("/api/cluster/events?type=MemberUp,ShardMoved", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("ShardMoved", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Reads the server-sent events of <paramref name="path"/> until <paramref name="until"/> holds (at most 30 s).</summary>
    private async Task<List<(string Type, JsonElement Data)>> ReadEventsAsync(string path, Func<List<(string Type, JsonElement Data)>, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _node.Http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<(string, JsonElement)>();
        string? type = null;
        while (!until(events))
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the event stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((type ?? "", JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
            }
        }

        return events;
    }
}
