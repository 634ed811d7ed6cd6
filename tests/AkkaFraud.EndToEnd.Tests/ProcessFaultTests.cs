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
        var production = await cluster.StreamUntilCommittedAsync(0.3);

        var victim = cluster.Node("scorer-2");
        var owned = ProcessCluster.OwnedPartitions(victim);
        await cluster.AssertWorkPendingAsync(production, owned, "kill -9 of scorer-2");

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
        // Slow enough that records arrive through the whole rolling restart.
        var production = await cluster.StreamUntilCommittedAsync(0.1, recordsPerSecond: 700);

        var first = true;
        foreach (var name in new[] { "scorer-1", "scorer-2", "scorer-3", "web" })
        {
            var node = cluster.Node(name);
            if (first)
            {
                await cluster.AssertWorkPendingAsync(production, ProcessCluster.OwnedPartitions(node), $"SIGTERM of {name}");
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
        // The last tenth of the records waits until the joiner owns partitions: the group's rebalance alone took 15 s
        // once in CI, and at a fixed rate the stream had ended before the joiner owned anything.
        var joined = new TaskCompletionSource();
        var production = await cluster.StreamUntilCommittedAsync(0.3, recordsPerSecond: 1_000, lastTenthAfter: joined.Task);
        var committed = (await cluster.Store.GetTotalsAsync()).Transactions;
        Assert.True(committed < cluster.Oracle.Transactions, $"work must be pending: {committed} of {cluster.Oracle.Transactions} committed");

        var joiner = cluster.Start("scorer-3");
        await joiner.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        await cluster.WaitUntilPartitionsSpreadAsync();
        Assert.NotEmpty(ProcessCluster.OwnedPartitions(joiner));
        joined.SetResult();

        await production;
        await cluster.AssertEverythingMatchesTheOracleAsync();
        var scoredByJoiner = await joiner.CounterAsync("akkafraud_transactions_scored") ?? 0;
        Assert.True(scoredByJoiner > 0, $"the joiner owns partitions {string.Join(", ", ProcessCluster.OwnedPartitions(joiner))} but scored nothing:\n{joiner.Output}");
    }

    [Fact]
    public async Task Kill_9_of_every_node_mid_stream_then_all_started_again_resumes_from_the_stored_offsets_and_nothing_is_lost_or_doubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 3, Records, seed: 814);
        var production = await cluster.StreamUntilCommittedAsync(0.3, recordsPerSecond: 1_500);

        await cluster.AssertWorkPendingAsync(production, Enumerable.Range(0, ProcessCluster.Partitions), "kill -9 of every node");
        var nodes = cluster.Scorers.Append(cluster.Web).ToList();
        foreach (var node in nodes)
        {
            await node.SignalAsync("KILL");
        }

        foreach (var node in nodes)
        {
            await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

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

    [Fact]
    public async Task A_scorer_frozen_mid_commit_past_its_session_timeout_blocks_no_one_for_long_is_fenced_when_it_wakes_and_nothing_is_lost_or_doubled()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 3, Records, seed: 815);
        var production = await cluster.StreamUntilCommittedAsync(0.2, recordsPerSecond: 1_000);

        var zombie = cluster.Node("scorer-2");
        var owned = ProcessCluster.OwnedPartitions(zombie);
        await cluster.AssertWorkPendingAsync(production, owned, "SIGSTOP of scorer-2");

        // Pin a batch of the zombie in flight: hold its partitions' offset rows until its commit waits for them, then
        // freeze it. Let go, and its commit goes on inside the server until it needs the frozen client again.
        await using (var rows = await cluster.LockStoredOffsetsAsync(owned))
        {
            await rows.WaitUntilAWriterWaitsAsync();
            await zombie.SignalAsync("STOP");
        }

        var atFreeze = await cluster.StoredOffsetsAsync();
        var frozen = DateTime.UtcNow;

        // The group gives its partitions to the others, and they commit there although the zombie's transaction still
        // held those rows: the server ended it (Storage:IdleInTransactionTimeout).
        var survivors = cluster.Scorers.Where(s => s != zombie).ToList();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!owned.All(survivors.SelectMany(ProcessCluster.OwnedPartitions).ToHashSet().Contains)
               || (await cluster.StoredOffsetsAsync()) is var stored && !owned.Any(p => stored[p] > atFreeze[p]))
        {
            Assert.True(DateTime.UtcNow < deadline, "the survivors did not take over and commit the frozen scorer's partitions within 2 minutes:\n" + cluster.Outputs());
            await Task.Delay(250);
        }

        var frozenFor = DateTime.UtcNow - frozen;
        Assert.True(frozenFor > ProcessCluster.SessionTimeout, $"frozen for {frozenFor}, not past the {ProcessCluster.SessionTimeout.TotalSeconds} s session timeout");
        Assert.False(production.IsCompleted, "records must still be arriving when the zombie wakes");
        output.WriteLine($"SIGCONT after {frozenFor.TotalSeconds:F1} s frozen");
        await zombie.SignalAsync("CONT");

        // It wakes in the middle of its commit, which must now be refused. Then it learns it was downed and shuts
        // itself down: read its counter while it still answers.
        double fenced = 0;
        deadline = DateTime.UtcNow.AddMinutes(1);
        while (fenced == 0 && !zombie.HasExited && DateTime.UtcNow < deadline)
        {
            fenced = await zombie.CounterAsync("akkafraud_batches_fenced") ?? 0;
            await Task.Delay(100);
        }

        Assert.True(fenced > 0, $"the woken zombie's /metrics never showed a fenced batch (exited: {zombie.HasExited}):\n{zombie.Output}");
        await production;
        await cluster.AssertEverythingMatchesTheOracleAsync();
    }

    [Fact]
    public async Task PostgreSQL_killed_with_SIGKILL_mid_stream_and_restarted_loses_and_doubles_nothing()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 3, Records, seed: 816, privatePostgres: true);
        var production = await cluster.StreamUntilCommittedAsync(0.3, recordsPerSecond: 1_500);
        await cluster.AssertWorkPendingAsync(production, Enumerable.Range(0, ProcessCluster.Partitions), "SIGKILL of PostgreSQL's postmaster");

        var server = cluster.PostgresServer!;
        await server.KillAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await server.IsRunningAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "PostgreSQL still runs 30 s after SIGKILL of its postmaster");
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        await server.StartAsync();
        // The test's own pooled connections died with the server.
        Npgsql.NpgsqlConnection.ClearAllPools();
        Assert.False(production.IsCompleted, "records must still be arriving when PostgreSQL is back");

        await production;
        await cluster.AssertEverythingMatchesTheOracleAsync();
        cluster.AssertNoNodeExited("when the database crashed");
    }

    [Fact]
    public async Task The_broker_down_mid_stream_stops_every_commit_and_they_resume_when_it_is_back()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 3, Records, seed: 817);
        var production = await cluster.StreamUntilCommittedAsync(0.3, recordsPerSecond: 1_500);
        await cluster.AssertWorkPendingAsync(production, Enumerable.Range(0, ProcessCluster.Partitions), "broker outage");

        cluster.Kafka.SetBrokerDown(1);
        // A batch whose alerts and dead letters were already on Kafka may still commit; after that, none can.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var afterGrace = await cluster.StoredOffsetsAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var atTheEnd = await cluster.StoredOffsetsAsync();
        cluster.Kafka.SetBrokerUp(1);

        Assert.Equal(afterGrace, atTheEnd);
        Assert.False(production.IsCompleted, "records must still be arriving when the broker is back");
        await production;
        await cluster.AssertEverythingMatchesTheOracleAsync();
        cluster.AssertNoNodeExited("during the broker outage");
    }

    private static List<string> MembersUp(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() == "Up")
            .Select(m => m.GetProperty("node").GetString() ?? "")
            .Select(a => new Uri(a.Replace("akka.tcp://", "tcp://", StringComparison.Ordinal)).Host)];
}
