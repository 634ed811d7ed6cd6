using System.Text.Json;
using AkkaFraud.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFraud.EndToEnd.Tests;

/// <summary>
/// Faults injected for real into a cluster of node processes (one web node, three scorers): each lands while work is
/// demonstrably pending, and afterwards the warehouse, the dead letters and both output topics equal the oracle.
/// </summary>
[Collection(PublishedNodeTests.Name)]
public sealed class Killing_node_processes(PublishedNode published, ITestOutputHelper output)
{
    private const int Records = 60_000;

    [Fact]
    public async Task Kill_9_of_a_scorer_mid_stream_its_partitions_move_the_resolver_downs_it_and_nothing_is_lost_or_doubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 3, Records, seed: 811);
        await cluster.WaitUntilPartitionsSpreadAsync();
        var production = cluster.ProduceSteadily();
        await cluster.WaitForShareAsync(0.3);

        var victim = cluster.Node("scorer-2");
        var owned = ProcessCluster.OwnedPartitions(victim);
        var pending = await cluster.PendingAsync(owned);
        var committed = (await cluster.Store.GetTotalsAsync()).Transactions;
        Assert.False(production.IsCompleted, "records must still be arriving when the scorer is killed");
        Assert.True(committed < cluster.Oracle.Transactions, $"work must be pending: {committed} of {cluster.Oracle.Transactions} committed");
        Assert.True(pending.Count > 0, $"the victim must own partitions with uncommitted records (it owns {string.Join(", ", owned)})");
        output.WriteLine($"kill -9 scorer-2 at {committed} committed; it owns {string.Join(", ", owned)}, pending {string.Join(", ", pending)}");

        await victim.SignalAsync("KILL");
        await production;

        await cluster.AssertEverythingMatchesTheOracleAsync();
        var survivors = cluster.Scorers.Where(s => s != victim).SelectMany(ProcessCluster.OwnedPartitions).ToHashSet();
        Assert.True(owned.All(survivors.Contains), $"the victim's partitions {string.Join(", ", owned)} must have moved to the survivors (they own {string.Join(", ", survivors)})");

        // The split brain resolver downs the silent node: it leaves the member list the web node serves.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (MembersUp(await cluster.Web.GetStringAsync("/api/cluster/members")).Contains("127.0.0.12", StringComparer.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the killed scorer was not downed within a minute:\n" + cluster.Outputs());
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task A_sigterm_rolling_restart_of_every_node_hands_over_each_exits_0_and_nothing_is_lost_or_doubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 3, Records, seed: 812);
        await cluster.WaitUntilPartitionsSpreadAsync();
        // Slow enough that records arrive through the whole rolling restart.
        var production = cluster.ProduceSteadily(recordsPerSecond: 700);
        await cluster.WaitForShareAsync(0.1);

        var first = true;
        foreach (var name in new[] { "scorer-1", "scorer-2", "scorer-3", "web" })
        {
            var node = cluster.Node(name);
            if (first)
            {
                var owned = ProcessCluster.OwnedPartitions(node);
                var pending = await cluster.PendingAsync(owned);
                Assert.True(pending.Count > 0, $"the first node stopped must own partitions with uncommitted records (it owns {string.Join(", ", owned)})");
                Assert.False(production.IsCompleted, $"records must still be arriving when {name} is stopped");
                first = false;
            }

            await node.SignalAsync("TERM");
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromMinutes(2)));
            output.WriteLine($"{name} exited 0 at {(await cluster.Store.GetTotalsAsync()).Transactions} committed");
            await cluster.Start(name).WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        }

        await production;
        await cluster.AssertEverythingMatchesTheOracleAsync();
    }

    [Fact]
    public async Task A_scorer_that_joins_mid_stream_takes_partitions_and_nothing_is_lost_or_doubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 2, Records, seed: 813, spareScorers: 1);
        await cluster.WaitUntilPartitionsSpreadAsync();
        // Slow enough that records still arrive once the new process has started and joined.
        var production = cluster.ProduceSteadily(recordsPerSecond: 1_000);
        await cluster.WaitForShareAsync(0.3);
        var committed = (await cluster.Store.GetTotalsAsync()).Transactions;
        Assert.True(committed < cluster.Oracle.Transactions, $"work must be pending: {committed} of {cluster.Oracle.Transactions} committed");

        var joiner = cluster.Start("scorer-3");
        await joiner.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        await cluster.WaitUntilPartitionsSpreadAsync();
        Assert.NotEmpty(ProcessCluster.OwnedPartitions(joiner));
        Assert.False(production.IsCompleted, "the new scorer must have taken its partitions while records were still arriving");

        await production;
        await cluster.AssertEverythingMatchesTheOracleAsync();
    }

    [Fact]
    public async Task Kill_9_of_every_node_mid_stream_then_all_started_again_resumes_from_the_stored_offsets_and_nothing_is_lost_or_doubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 3, Records, seed: 814);
        await cluster.WaitUntilPartitionsSpreadAsync();
        var production = cluster.ProduceSteadily(recordsPerSecond: 1_500);
        await cluster.WaitForShareAsync(0.3);

        var pending = await cluster.PendingAsync(Enumerable.Range(0, ProcessCluster.Partitions));
        var committed = (await cluster.Store.GetTotalsAsync()).Transactions;
        Assert.False(production.IsCompleted, "records must still be arriving when every node is killed");
        Assert.True(committed < cluster.Oracle.Transactions && pending.Count > 0, $"work must be pending: {committed} of {cluster.Oracle.Transactions} committed, pending partitions {string.Join(", ", pending)}");
        var nodes = cluster.Scorers.Append(cluster.Web).ToList();
        foreach (var node in nodes)
        {
            await node.SignalAsync("KILL");
        }

        foreach (var node in nodes)
        {
            await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        output.WriteLine($"killed every node at {committed} committed; pending {string.Join(", ", pending)}");
        await cluster.Start("web").WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        foreach (var name in new[] { "scorer-1", "scorer-2", "scorer-3" })
        {
            cluster.Start(name);
        }

        foreach (var scorer in cluster.Scorers)
        {
            await scorer.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        }

        await production;
        await cluster.AssertEverythingMatchesTheOracleAsync();
    }

    private static List<string> MembersUp(string json) =>
        [.. JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() == "up")
            .Select(m => m.GetProperty("address").GetString() ?? "")
            .Select(a => new Uri(a.Replace("akka.tcp://", "tcp://", StringComparison.Ordinal)).Host)];
}
