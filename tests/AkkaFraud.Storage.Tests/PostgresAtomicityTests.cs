using AkkaFraud.TestSupport;
using Npgsql;
using static AkkaFraud.Storage.Tests.TestData;

namespace AkkaFraud.Storage.Tests;

public sealed class PostgresAtomicityTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The test holds a lock on the minute rollup row the batch updates after its COPY, so the writer stops mid-batch
    /// (rows copied, transaction open) and stays there; then the server kills its connection.
    /// </summary>
    [Fact]
    public async Task A_connection_killed_mid_batch_leaves_nothing_visible_and_the_retry_commits()
    {
        var application = $"akkafraud-atomicity-{Guid.NewGuid():N}";
        var settings = await PostgresStorage.NewSchemaAsync(database, b => b.ApplicationName = application);
        await using var store = await FraudStoreFactory.CreateAsync(settings);
        await store.WriteBatchAsync(Batch([Scored("t-seed")], new OffsetCommit(P(0), null, 1)));
        var rows = Many("t-batch", 3_000, firstOffset: 1, start: T0.AddSeconds(1)).Select(r => r with
        {
            Transaction = r.Transaction with { EventTime = T0.AddMilliseconds(r.KafkaOffset) },
        }).ToArray();
        var batch = Batch(rows, new OffsetCommit(P(0), 1, 3_001)) with
        {
            DeadLetters = [Letter(5_000) with { ReceivedAt = T0.AddSeconds(30) }],
            Checkpoints = [new AccountCheckpoint("t-batch-acct-0", 0, 3_000, new byte[] { 1 })],
        };

        await using var blocker = new NpgsqlConnection(settings.ConnectionString);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await ExecuteAsync(blocker, "SELECT 1 FROM minute_rollups WHERE minute = $1 FOR UPDATE", T0.UtcDateTime);

        var write = store.WriteBatchAsync(batch);
        var first = await WaitForWriterBlockedMidBatchAsync(settings, application, write, exceptPid: null);
        await AssertNothingOfTheBatchIsVisibleAsync(store, rows);

        await using (var killer = new NpgsqlConnection(settings.ConnectionString))
        {
            await killer.OpenAsync();
            await ExecuteAsync(killer, "SELECT pg_terminate_backend($1)", first);
        }

        var retry = await WaitForWriterBlockedMidBatchAsync(settings, application, write, exceptPid: first);
        Assert.NotEqual(first, retry);
        await AssertNothingOfTheBatchIsVisibleAsync(store, rows);

        await hold.RollbackAsync();
        var result = await write;

        Assert.Equal(new BatchCommitted(rows.Length, 0, 1, 1), result);
        Assert.Equal(new Dictionary<StoredPartition, long> { [P(0)] = 3_001 }, await store.GetOffsetsAsync(Cluster, Group, [P(0)]));
        var rollup = Assert.Single(await store.GetMinuteRollupsAsync(T0, T0.AddMinutes(1)));
        Assert.Equal((3_001L, 1L), (rollup.Transactions, rollup.DeadLetters));
        Assert.Equal(rows.Length + 1, await CountAsync(settings, "SELECT count(*) FROM transactions"));
        Assert.Equal(rows[^1], await store.GetTransactionAsync(rows[^1].Transaction.TransactionId));
    }

    private static async Task AssertNothingOfTheBatchIsVisibleAsync(IFraudStore store, ScoredTransaction[] rows)
    {
        Assert.Null(await store.GetTransactionAsync(rows[0].Transaction.TransactionId));
        Assert.Null(await store.GetTransactionAsync(rows[^1].Transaction.TransactionId));
        Assert.Equal(1, (await store.GetTotalsAsync()).Transactions);
        Assert.Empty(await store.AllDeadLettersAsync());
        Assert.Empty(await store.GetCheckpointsAsync(Cluster, ["t-batch-acct-0"]));
        Assert.Equal(new Dictionary<StoredPartition, long> { [P(0)] = 1 }, await store.GetOffsetsAsync(Cluster, Group, [P(0)]));
    }

    /// <summary>The pid of the writer's backend once it waits for the rollup row lock, i.e. after its COPY.</summary>
    private static async Task<int> WaitForWriterBlockedMidBatchAsync(FraudStoreSettings settings, string application, Task write, int? exceptPid)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(write.IsCompleted, $"the write ended before it was blocked: {write.Exception?.GetBaseException().Message}");
            await using var connection = new NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT pid FROM pg_stat_activity
                WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE '%minute_rollups%' AND pid <> $2
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = application });
            command.Parameters.Add(new NpgsqlParameter { Value = exceptPid ?? 0 });
            if (await command.ExecuteScalarAsync() is int pid)
            {
                return pid;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the writer did not reach the rollup lock within {Patience}");
    }

    private static async Task<long> CountAsync(FraudStoreSettings settings, string sql)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
