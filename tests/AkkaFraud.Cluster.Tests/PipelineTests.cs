using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Cluster.Tests.Support;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.TestSupport;


namespace AkkaFraud.Cluster.Tests;

/// <summary>The end-to-end tests each start whole clusters: run them one at a time, the machine has two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEnd
{
    public const string Name = "end-to-end pipeline";
}

internal static class Warehouse
{
    public static FraudStoreSettings On(PostgresDatabase database) =>
        new() { Provider = StoreProvider.PostgreSql, ConnectionString = database.ConnectionString };
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_oracle(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_warehouse_equals_the_engines_replay_of_100k_simulated_records()
    {
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 100_000, accounts: 3_000, seed: 5);
        var node = await harness.StartNodeAsync(singleNode: true);

        await harness.ProduceAllAsync();

        await harness.AssertEverythingStoredExactlyOnceAsync();
        // The node's own counters (its live stats) agree with the warehouse.
        var totals = await node.Store.GetTotalsAsync();
        Assert.Equal(PipelineState.Running, node.Stats.State);
        Assert.Equal(totals.Transactions, node.Stats.Scored);
        Assert.Equal(totals.DeadLetters, node.Stats.DeadLettered);
        Assert.Equal(totals.Flagged, node.Stats.Flagged);
        Assert.True(node.Stats.Consumed >= 100_000, $"consumed {node.Stats.Consumed}");
    }
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_when_a_nodes_actor_system_is_aborted(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task An_actor_system_aborted_mid_stream_hands_its_partitions_over_politely_and_loses_and_duplicates_nothing()
    {
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 30_000, accounts: 1_000, seed: 11);
        var first = await harness.StartNodeAsync();
        var second = await harness.StartNodeAsync(first);
        var victim = await harness.StartNodeAsync(first);
        await harness.WaitUntilEachOwnsPartitionsAsync(first, second, victim);

        var producing = harness.ProduceSteadilyAsync();
        await harness.WaitForShareAsync(first.Store, 0.3);
        await harness.AssertWorkPendingAsync(victim);
        var partitions = harness.Ledger.PartitionsOf(victim.Name);
        var aborted = DateTime.UtcNow;
        await victim.AbortActorSystemAsync();
        await producing;

        await harness.AssertEverythingStoredExactlyOnceAsync();
        // Its consumer left the group on the way down, so the others took its partitions.
        Assert.NotNull(harness.Ledger.FirstClaimByAnother(victim.Name, partitions, aborted));
    }
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_when_a_nodes_consumer_does_not_leave_the_group(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Its_partitions_move_only_when_its_session_times_out_and_nothing_is_lost_or_duplicated()
    {
        // A session timeout well above the ~5 s a polite handover takes after the abort (the source's shutdown), so
        // that a move by timeout cannot be mistaken for one by leaving.
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 30_000, accounts: 1_000, seed: 17,
            sessionTimeout: TimeSpan.FromSeconds(15));
        var first = await harness.StartNodeAsync();
        var second = await harness.StartNodeAsync(first);
        var victim = await harness.StartNodeAsync(first);
        await harness.WaitUntilEachOwnsPartitionsAsync(first, second, victim);

        var producing = harness.ProduceSteadilyAsync();
        await harness.WaitForShareAsync(first.Store, 0.3);
        await harness.AssertWorkPendingAsync(victim);
        var partitions = harness.Ledger.PartitionsOf(victim.Name);
        // The broker refuses the victim's LeaveGroup: the group keeps the member, whose consumer is gone, until no
        // heartbeat arrived for a session timeout. The others heartbeat on, unaware.
        harness.Kafka.PushRequestErrors(KafkaApiKey.LeaveGroup, [.. Enumerable.Repeat(Confluent.Kafka.ErrorCode.NotCoordinatorForGroup, 5)]);
        var aborted = DateTime.UtcNow;
        await victim.AbortActorSystemAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        DateTime? moved;
        while ((moved = harness.Ledger.FirstClaimByAnother(victim.Name, partitions, aborted)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the victim's partitions never moved");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        harness.Kafka.ClearRequestErrors(KafkaApiKey.LeaveGroup);
        await producing;
        // The member's last heartbeat was at most one interval before the abort.
        var sessionTimeout = harness.KafkaSettings.Consumer.SessionTimeout;
        output.WriteLine($"The partitions moved {(moved - aborted)?.TotalSeconds:0.0} s after the abort (session timeout {sessionTimeout.TotalSeconds} s)");
        Assert.True(moved - aborted >= sessionTimeout - PipelineHarness.HeartbeatInterval,
            $"the partitions moved {(moved - aborted)?.TotalSeconds:0.0} s after the abort, before the session timeout of {sessionTimeout.TotalSeconds} s");

        await harness.AssertEverythingStoredExactlyOnceAsync();
    }
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_when_a_node_joins(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_node_joining_mid_stream_takes_partitions_without_loss_or_duplicates()
    {
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 30_000, accounts: 1_000, seed: 12);
        var first = await harness.StartNodeAsync();

        var producing = harness.ProduceSteadilyAsync();
        await harness.WaitForShareAsync(first.Store, 0.3);
        await harness.AssertWorkPendingAsync(first);
        var joiner = await harness.StartNodeAsync(first);
        // The rest comes once the joiner has its share, so that it has work to take over.
        await harness.WaitUntilEachOwnsPartitionsAsync(joiner);
        await producing;

        await harness.AssertEverythingStoredExactlyOnceAsync();
        Assert.NotEmpty(harness.Ledger.PartitionsOf(joiner.Name));
    }
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_when_the_broker_goes_down(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task The_pipeline_stalls_while_the_broker_is_down_and_resumes_without_loss()
    {
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 30_000, accounts: 1_000, seed: 13);
        var node = await harness.StartNodeAsync(singleNode: true);

        var producing = harness.ProduceSteadilyAsync();
        await harness.WaitForShareAsync(node.Store, 0.3);
        await harness.AssertWorkPendingAsync(node);
        var down = DateTime.UtcNow;
        harness.Kafka.SetBrokerDown(1);
        // Batches already past their Kafka deliveries may still commit; after that, nothing can.
        await Task.Delay(Grace, TestContext.Current.CancellationToken);
        var storedAfterGrace = await harness.StoredOffsetsAsync();
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var storedAtTheEnd = await harness.StoredOffsetsAsync();
        var up = DateTime.UtcNow;
        harness.Kafka.SetBrokerUp(1);
        await producing;

        await harness.AssertEverythingStoredExactlyOnceAsync();
        Assert.Equal(storedAfterGrace, storedAtTheEnd);
        harness.AssertCommitsStoppedDuring(down + Grace, up);
    }
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_when_PostgreSQL_restarts(ITestOutputHelper output)
{
    [Fact]
    public async Task The_pipeline_rides_out_a_database_restart_without_loss_or_duplicates()
    {
        await using var server = await PostgresServer.StartPrivateAsync(TestContext.Current.CancellationToken);
        var storeSettings = new FraudStoreSettings { Provider = StoreProvider.PostgreSql, ConnectionString = await server.CreateDatabaseAsync("warehouse", TestContext.Current.CancellationToken) };
        await using var harness = new PipelineHarness(storeSettings, output, records: 30_000, accounts: 1_000, seed: 14);
        var node = await harness.StartNodeAsync(singleNode: true);

        var producing = harness.ProduceSteadilyAsync();
        await harness.WaitForShareAsync(node.Store, 0.3);
        await harness.AssertWorkPendingAsync(node);
        await server.StopAsync(TestContext.Current.CancellationToken);
        // A commit acknowledged just before the server went away may return a moment later.
        var down = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var up = DateTime.UtcNow;
        await server.StartAsync(TestContext.Current.CancellationToken);
        await producing;

        await harness.AssertEverythingStoredExactlyOnceAsync();
        harness.AssertCommitsStoppedDuring(down, up);
    }
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_when_the_whole_cluster_restarts(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_cluster_stopped_and_started_mid_stream_continues_from_the_stored_offsets()
    {
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 30_000, accounts: 1_000, seed: 15);
        var first = await harness.StartNodeAsync();
        var second = await harness.StartNodeAsync(first);
        await harness.WaitUntilEachOwnsPartitionsAsync(first, second);

        var producing = harness.ProduceSteadilyAsync();
        await harness.WaitForShareAsync(first.Store, 0.3);
        await harness.AssertWorkPendingAsync(first, second);
        await second.AbortActorSystemAsync();
        await first.AbortActorSystemAsync();

        var restarted = await harness.StartNodeAsync();
        await harness.StartNodeAsync(restarted);
        await producing;

        await harness.AssertEverythingStoredExactlyOnceAsync();
    }
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_when_records_are_lost_to_retention(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_retention_gap_is_recorded_once_and_consumption_carries_on_after_it()
    {
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 6_000, accounts: 300, seed: 16);
        var first = await harness.StartNodeAsync(singleNode: true);
        await harness.ProduceAllAsync();
        await harness.Oracle.WaitUntilStoredAsync(first.Store, TimeSpan.FromMinutes(2));
        await first.StopAsync();

        // While no node runs, partition 0 receives 50 more records and retention deletes them before anyone read them.
        await using var warehouse = await FraudStoreFactory.CreateAsync(harness.StoreSettings, cancellationToken: TestContext.Current.CancellationToken);
        var stored = (await warehouse.GetOffsetsAsync(await harness.KafkaClusterIdAsync(), harness.KafkaSettings.GroupId, [new StoredPartition(harness.KafkaSettings.TransactionsTopic, 0)]))
            .Single().Value;
        await Oracle.ProduceToPartitionAsync(harness.Kafka.BootstrapServers, harness.KafkaSettings.TransactionsTopic, 0, count: 50);
        // Work is pending when retention strikes: the 50 records are in the partition, above its stored offset.
        var watermarks = KafkaTopic.Watermarks(harness.Kafka.BootstrapServers, harness.KafkaSettings.TransactionsTopic, PipelineHarness.Partitions);
        Assert.Equal((0L, stored + 50), watermarks[0]);
        Assert.Equal(harness.Oracle.Transactions, (await warehouse.GetTotalsAsync(TestContext.Current.CancellationToken)).Transactions);
        harness.Kafka.DeleteRecords(harness.KafkaSettings.TransactionsTopic, 0, stored + 50);
        await Oracle.ProduceToPartitionAsync(harness.Kafka.BootstrapServers, harness.KafkaSettings.TransactionsTopic, 0, count: 10);

        await harness.StartNodeAsync(singleNode: true);
        await harness.Oracle.WaitUntilStoredAsync(warehouse, TimeSpan.FromMinutes(2), extra: 10);

        var gap = Assert.Single(await warehouse.GetGapsAsync(TestContext.Current.CancellationToken));
        Assert.Equal((0, stored, stored + 50), (gap.Partition, gap.FirstMissingOffset, gap.NextAvailableOffset));
        var offsets = await warehouse.GetOffsetsAsync(await harness.KafkaClusterIdAsync(), harness.KafkaSettings.GroupId, [new StoredPartition(harness.KafkaSettings.TransactionsTopic, 0)]);
        Assert.Equal(stored + 60, offsets.Single().Value);
        await harness.AssertEverythingStoredExactlyOnceAsync(extra: 10);
    }
}
