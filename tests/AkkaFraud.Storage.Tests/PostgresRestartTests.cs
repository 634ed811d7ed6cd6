using AkkaFraud.TestSupport;
using Microsoft.Extensions.Logging;
using Npgsql;
using static AkkaFraud.Storage.Tests.TestData;

namespace AkkaFraud.Storage.Tests;

/// <summary>Stops and restarts a private PostgreSQL server (not the shared one, which other tests are using).</summary>
public sealed class PostgresRestartTests
{
    private const int RowsPerBatch = 200;

    [Fact]
    public async Task Stopping_and_restarting_the_server_during_a_write_loop_loses_and_duplicates_nothing()
    {
        await using var server = await PostgresServer.StartPrivateAsync();
        var settings = new FraudStoreSettings { Provider = StoreProvider.PostgreSql, ConnectionString = await server.CreateDatabaseAsync("restarts") };
        settings.Retry = new StoreRetrySettings { MaxAttempts = 40, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1) };
        using var logs = new RetryCountingLoggerFactory();
        await using var store = await FraudStoreFactory.CreateAsync(settings, logs);

        var written = new List<ScoredTransaction>();
        var committedBatches = 0;
        var restarted = new TaskCompletionSource();
        var batchesAfterRestart = 0;
        var writer = Task.Run(async () =>
        {
            long? expected = null;
            for (var batch = 0; !restarted.Task.IsCompleted || batchesAfterRestart < 5; batch++)
            {
                var next = (expected ?? 0) + RowsPerBatch;
                var rows = Many($"t-{batch}", RowsPerBatch, firstOffset: expected ?? 0, start: T0.AddSeconds(batch));
                var result = await store.WriteBatchAsync(Batch(rows, new OffsetCommit(P(0), expected, next)));
                Assert.Equal(new BatchCommitted(RowsPerBatch, 0, 0, 0), result);
                written.AddRange(rows);
                expected = next;
                Interlocked.Increment(ref committedBatches);
                if (restarted.Task.IsCompleted)
                {
                    batchesAfterRestart++;
                }
            }
        });

        await WaitUntilAsync(() => Volatile.Read(ref committedBatches) >= 5 || writer.IsCompleted);
        await server.StopAsync();
        try
        {
            Assert.False(writer.IsCompleted, "the write loop ended while the server was down");
            await Task.Delay(TimeSpan.FromSeconds(1)); // downtime: the writer keeps retrying meanwhile
        }
        finally
        {
            await server.StartAsync();
        }

        restarted.SetResult();
        await writer;

        Assert.True(logs.Retries > 0, "the writer never saw the server go away");
        var stored = await ReadAllIdsAsync(settings);
        Assert.Equal(written.Select(r => r.Transaction.TransactionId).Order(StringComparer.Ordinal), stored);
        Assert.Equal(written.Count, (await store.GetTotalsAsync()).Transactions);
        Assert.Equal(new Dictionary<StoredPartition, long> { [P(0)] = written.Count }, await store.GetOffsetsAsync(Cluster, Group, [P(0)]));
        Assert.Equal(written[^1], await store.GetTransactionAsync(written[^1].Transaction.TransactionId));
    }

    private static async Task<List<string>> ReadAllIdsAsync(FraudStoreSettings settings)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT transaction_id FROM transactions ORDER BY transaction_id COLLATE \"C\"", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 60 s");
            await Task.Delay(10);
        }
    }

    /// <summary>Counts the store's retry warnings: proof that the outage reached the writer.</summary>
    private sealed class RetryCountingLoggerFactory : ILoggerFactory, ILogger
    {
        private int _retries;

        public int Retries => Volatile.Read(ref _retries);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && formatter(state, exception).Contains("retrying", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _retries);
            }
        }

        public void Dispose()
        {
        }
    }
}
