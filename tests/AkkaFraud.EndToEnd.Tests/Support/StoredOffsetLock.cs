using Npgsql;

namespace AkkaFraud.EndToEnd.Tests.Support;

/// <summary>
/// An open transaction holding <c>kafka_offsets</c> rows with <c>FOR UPDATE</c>: a node's batch commit for those
/// partitions (its compare-and-set of the stored offsets comes first) waits until this is disposed.
/// </summary>
public sealed class StoredOffsetLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private StoredOffsetLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<StoredOffsetLock> TakeAsync(string connectionString, string consumerGroup, string topic, int[] partitions)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var select = new NpgsqlCommand(
            "SELECT count(*) FROM (SELECT 1 FROM kafka_offsets WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = ANY($3) FOR UPDATE) AS locked",
            connection, transaction)
        {
            Parameters = { new() { Value = consumerGroup }, new() { Value = topic }, new() { Value = partitions } },
        };
        var locked = (long)(await select.ExecuteScalarAsync())!;
        Assert.True(locked > 0, $"no stored offsets of partitions {string.Join(", ", partitions)} to lock yet");
        return new StoredOffsetLock(connection, transaction);
    }

    /// <summary>Waits until another session waits for these rows: a writer is mid-commit.</summary>
    public async Task WaitUntilAWriterWaitsAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        await using var blocked = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))", _connection, _transaction);
        while ((long)(await blocked.ExecuteScalarAsync())! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no writer waited for the locked stored offsets within a minute");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.CommitAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
