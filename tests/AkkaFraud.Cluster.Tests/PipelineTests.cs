using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Cluster.Tests.Support;
using AkkaFraud.Storage;

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
public sealed class Pipeline_when_a_node_crashes(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_node_aborted_mid_stream_loses_and_duplicates_nothing()
    {
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 30_000, accounts: 1_000, seed: 11);
        var first = await harness.StartNodeAsync();
        await harness.StartNodeAsync(first);
        var victim = await harness.StartNodeAsync(first);

        await harness.ProduceAllAsync();
        await harness.WaitForShareAsync(first.Store, 0.3);
        await victim.AbortAsync();

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

        await harness.ProduceAllAsync();
        await harness.WaitForShareAsync(first.Store, 0.3);
        await harness.StartNodeAsync(first);

        await harness.AssertEverythingStoredExactlyOnceAsync();
    }
}

[Collection(EndToEnd.Name)]
public sealed class Pipeline_when_the_broker_goes_down(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_pipeline_stalls_while_the_broker_is_down_and_resumes_without_loss()
    {
        await using var harness = new PipelineHarness(Warehouse.On(database), output, records: 30_000, accounts: 1_000, seed: 13);
        var node = await harness.StartNodeAsync(singleNode: true);

        await harness.ProduceAllAsync();
        await harness.WaitForShareAsync(node.Store, 0.3);
        harness.Kafka.SetBrokerDown(1);
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        harness.Kafka.SetBrokerUp(1);

        await harness.AssertEverythingStoredExactlyOnceAsync();
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

        await harness.ProduceAllAsync();
        await harness.WaitForShareAsync(node.Store, 0.3);
        await server.StopAsync(TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        await server.StartAsync(TestContext.Current.CancellationToken);

        await harness.AssertEverythingStoredExactlyOnceAsync();
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

        await harness.ProduceAllAsync();
        await harness.WaitForShareAsync(first.Store, 0.3);
        await second.AbortAsync();
        await first.AbortAsync();

        var restarted = await harness.StartNodeAsync();
        await harness.StartNodeAsync(restarted);

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
        var stored = (await warehouse.GetOffsetsAsync(harness.KafkaSettings.GroupId, [new StoredPartition(harness.KafkaSettings.TransactionsTopic, 0)]))
            .Single().Value;
        await Oracle.ProduceToPartitionAsync(harness.Kafka.BootstrapServers, harness.KafkaSettings.TransactionsTopic, 0, count: 50);
        harness.Kafka.DeleteRecords(harness.KafkaSettings.TransactionsTopic, 0, stored + 50);
        await Oracle.ProduceToPartitionAsync(harness.Kafka.BootstrapServers, harness.KafkaSettings.TransactionsTopic, 0, count: 10);

        await harness.StartNodeAsync(singleNode: true);
        await harness.Oracle.WaitUntilStoredAsync(warehouse, TimeSpan.FromMinutes(2), extra: 10);

        var gap = Assert.Single(await warehouse.GetGapsAsync(TestContext.Current.CancellationToken));
        Assert.Equal((0, stored, stored + 50), (gap.Partition, gap.FirstMissingOffset, gap.NextAvailableOffset));
        var offsets = await warehouse.GetOffsetsAsync(harness.KafkaSettings.GroupId, [new StoredPartition(harness.KafkaSettings.TransactionsTopic, 0)]);
        Assert.Equal(stored + 60, offsets.Single().Value);
    }
}
