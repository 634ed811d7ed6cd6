using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using AkkaFraud.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace AkkaFraud.Storage.Sqlite;

/// <summary>
/// The embedded mode's SQLite file in WAL mode. Times are INTEGER Unix microseconds, amounts INTEGER 1/10000 units
/// (exact, and summable without floating point), flags 0/1, lists JSON arrays read with <c>json_each</c>. A batch is
/// one <c>BEGIN IMMEDIATE</c> transaction (SQLite has one writer at a time, so writers queue on the file lock and never
/// deadlock); it looks the ids up first, then writes with prepared multi-row inserts.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const decimal AmountScale = 10_000m;
    private const int RowsPerStatement = 64;

    private static readonly SchemaTypes Types = new(
        Text: "TEXT", Integer: "INTEGER", Bigint: "INTEGER", Double: "REAL", Boolean: "INTEGER",
        Time: "INTEGER", Amount: "INTEGER", AmountSum: "INTEGER", Json: "TEXT", Bytes: "BLOB", Uuid: "TEXT",
        DefaultNow: "", Flagged: "is_flagged = 1", AlertIndexes: "", SerialKey: "INTEGER PRIMARY KEY", IndexMethod: "");

    private static readonly SqliteMultiRowInsert<ScoredTransaction> InsertTransactions = new(
        $"INSERT INTO transactions ({Rows.InsertColumns})", Rows.ColumnCount, "", RowsPerStatement, static (row, p, i) =>
        {
            var t = row.Transaction;
            var v = row.Verdict;
            p[i].Value = t.TransactionId;
            p[i + 1].Value = t.AccountId;
            p[i + 2].Value = BatchPlan.UnixMicros(t.EventTime);
            p[i + 3].Value = Units(t.Amount);
            p[i + 4].Value = t.Currency;
            p[i + 5].Value = Domain.WireNames.Type(t.Type);
            p[i + 6].Value = Domain.WireNames.Channel(t.Channel);
            p[i + 7].Value = (object?)t.MerchantId ?? DBNull.Value;
            p[i + 8].Value = (object?)t.MerchantName ?? DBNull.Value;
            p[i + 9].Value = (object?)t.MerchantCategory ?? DBNull.Value;
            p[i + 10].Value = (object?)t.CounterpartyId ?? DBNull.Value;
            p[i + 11].Value = t.Country;
            p[i + 12].Value = (object?)t.Latitude ?? DBNull.Value;
            p[i + 13].Value = (object?)t.Longitude ?? DBNull.Value;
            p[i + 14].Value = (object?)t.DeviceId ?? DBNull.Value;
            p[i + 15].Value = v.Score;
            p[i + 16].Value = Domain.WireNames.Decision(v.Decision);
            p[i + 17].Value = v.Flagged;
            p[i + 18].Value = v.IsDuplicate;
            p[i + 19].Value = ReasonsJson.Serialize(v.Reasons);
            p[i + 20].Value = v.RuleSetVersion;
            p[i + 21].Value = row.KafkaPartition;
            p[i + 22].Value = row.KafkaOffset;
            p[i + 23].Value = BatchPlan.UnixMicros(row.IngestedAt);
            p[i + 24].Value = BatchPlan.UnixMicros(row.ProcessedAt);
            p[i + 25].Value = t.BalanceBefore is { } before ? Units(before) : DBNull.Value as object;
            p[i + 26].Value = t.BalanceAfter is { } after ? Units(after) : DBNull.Value as object;
        }, batchValueFirst: true);

    private static readonly SqliteMultiRowInsert<DeadLetterRecord> InsertDeadLetters = new(
        $"INSERT INTO dead_letters ({Tables.DeadLetterInsertColumns})", 7, Tables.DeadLetterInsertTail, RowsPerStatement, static (letter, p, i) =>
        {
            p[i].Value = letter.Topic;
            p[i + 1].Value = letter.KafkaPartition;
            p[i + 2].Value = letter.KafkaOffset;
            p[i + 3].Value = Rows.Array(letter.Payload);
            p[i + 4].Value = letter.ReasonCode;
            p[i + 5].Value = letter.Detail;
            p[i + 6].Value = BatchPlan.UnixMicros(letter.ReceivedAt);
        }, batchValueFirst: true);

    private static readonly SqliteMultiRowInsert<AccountCheckpoint> UpsertCheckpoints = new(
        $"INSERT INTO account_checkpoints ({Tables.CheckpointInsertColumns})", 5, Tables.CheckpointUpsert, RowsPerStatement, static (checkpoint, p, i) =>
        {
            p[i].Value = checkpoint.AccountId;
            p[i + 1].Value = checkpoint.KafkaPartition;
            p[i + 2].Value = checkpoint.AsOfOffset;
            p[i + 3].Value = Rows.Array(checkpoint.State);
            p[i + 4].Value = BatchPlan.UnixMicros(DateTimeOffset.UtcNow);
        }, batchValueFirst: true);

    private static readonly SqliteMultiRowInsert<RollupDelta> UpsertRollups = new(
        $"INSERT INTO minute_rollups AS r ({Tables.RollupColumns})", 7, Tables.RollupUpsert, RowsPerStatement, static (rollup, p, i) =>
        {
            p[i].Value = BatchPlan.UnixMicros(rollup.Minute);
            p[i + 1].Value = rollup.Transactions;
            p[i + 2].Value = rollup.Flagged;
            p[i + 3].Value = rollup.Blocked;
            p[i + 4].Value = Units(rollup.Amount);
            p[i + 5].Value = Units(rollup.FlaggedAmount);
            p[i + 6].Value = rollup.DeadLetters;
        });

    private readonly string _connectionString;
    private readonly string _pragmas;

    public SqliteDialect(FraudStoreSettings settings)
    {
        var builder = new SqliteConnectionStringBuilder(settings.ConnectionString)
        {
            DefaultTimeout = (int)Math.Ceiling(settings.CommandTimeout.TotalSeconds),
        };
        _connectionString = builder.ConnectionString;
        var busyTimeoutMs = (int)Math.Min(int.MaxValue, settings.CommandTimeout.TotalMilliseconds);
        _pragmas = $"PRAGMA busy_timeout = {busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}; PRAGMA synchronous = NORMAL";
        if (builder.Mode is SqliteOpenMode.ReadWriteCreate && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }

    public override StoreProvider Provider => StoreProvider.Sqlite;

    public override IReadOnlyList<Migration> Migrations { get; } = Schema.Migrations(Types);

    public override SchemaTypes SchemaTypes => Types;

    public override string Now => "(CAST(strftime('%s', 'now') AS INTEGER) * 1000000)";

    public override string Greatest => "max";

    public override string InList(string parameter) => $"IN (SELECT value FROM json_each({parameter}))";

    public override string PartitionList(string topics, string partitions) =>
        $"(SELECT t.value AS topic, n.value AS kafka_partition FROM json_each({topics}) AS t JOIN json_each({partitions}) AS n ON n.key = t.key) AS p";

    public override string RowsAfterOffsets => $"""
        WITH after (id, after_offset) AS (
            SELECT i.value, o.value FROM json_each($1) AS i JOIN json_each($2) AS o ON o.key = i.key)
        SELECT {Rows.Columns} FROM transactions JOIN after ON account_id = after.id AND kafka_offset > after.after_offset
        WHERE kafka_cluster = $3
        ORDER BY account_id, kafka_offset
        """;

    public override string HasRule(string ruleId, Func<object, string> parameter) =>
        $"EXISTS (SELECT 1 FROM json_each(reasons) WHERE json_extract(value, '$.ruleId') = {parameter(ruleId)})";

    public override DbParameter Parameter(int position, object value) =>
        new SqliteParameter("$" + position.ToString(CultureInfo.InvariantCulture), value);

    public override object Time(DateTimeOffset time) => BatchPlan.UnixMicros(time);

    public override object BatchId(Guid batchId) => batchId.ToString("N");

    public override object TextList(string[] values) => JsonSerializer.Serialize(values, StorageJsonContext.Default.StringArray);

    public override object IntegerList(int[] values) => JsonSerializer.Serialize(values, StorageJsonContext.Default.Int32Array);

    public override object BigintList(long[] values) => JsonSerializer.Serialize(values, StorageJsonContext.Default.Int64Array);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => BatchPlan.FromUnixMicros(reader.GetInt64(ordinal));

    public override decimal ReadAmount(DbDataReader reader, int ordinal) => reader.GetInt64(ordinal) / AmountScale;

    public override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await ExecuteAsync(connection, _pragmas, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // BEGIN IMMEDIATE: take the write lock now, not on the first write (which could fail to upgrade).
    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // The file's write lock, taken by BEGIN IMMEDIATE, keeps other nodes' migrations out.
    public override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct)
    {
        await ExecuteAsync((SqliteConnection)connection, "PRAGMA journal_mode = WAL", ct);
        return await BeginWriteAsync(connection, ct);
    }

    /// <summary>The file is locked by another writer for longer than the busy timeout.</summary>
    public override bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 }; // SQLITE_BUSY, SQLITE_LOCKED

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; a disposed store lets go of it.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    /// <summary>No COPY to be optimistic with: the look-up of the ids is one indexed query inside the file.</summary>
    public override Task<bool> TryInsertAllAsync(DbTransaction transaction, string kafkaCluster, ScoredTransaction[] rows, CancellationToken ct) =>
        Task.FromResult(false);

    public override Task InsertTransactionsAsync(DbTransaction transaction, string kafkaCluster, ScoredTransaction[] rows, CancellationToken ct) =>
        InsertTransactions.ExecuteAsync((SqliteTransaction)transaction, rows, null, ct, kafkaCluster);

    public override async Task<List<DateTimeOffset>> InsertDeadLettersAsync(DbTransaction transaction, string kafkaCluster, DeadLetterRecord[] letters, CancellationToken ct)
    {
        var inserted = new List<DateTimeOffset>();
        await InsertDeadLetters.ExecuteAsync((SqliteTransaction)transaction, letters, r => inserted.Add(BatchPlan.FromUnixMicros(r.GetInt64(0))), ct, kafkaCluster);
        return inserted;
    }

    public override async Task UpsertCheckpointsAndRollupsAsync(
        DbTransaction transaction, string kafkaCluster, AccountCheckpoint[] checkpoints, RollupDelta[] rollups, CancellationToken ct)
    {
        await UpsertCheckpoints.ExecuteAsync((SqliteTransaction)transaction, checkpoints, null, ct, kafkaCluster);
        await UpsertRollups.ExecuteAsync((SqliteTransaction)transaction, rollups, null, ct);
    }

    private static long Units(decimal amount) => (long)(amount * AmountScale);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
