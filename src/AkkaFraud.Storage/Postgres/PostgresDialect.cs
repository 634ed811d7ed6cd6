using System.Data.Common;
using AkkaFraud.Storage.Internal;
using Npgsql;
using NpgsqlTypes;

namespace AkkaFraud.Storage.Postgres;

/// <summary>
/// PostgreSQL: pooled Npgsql connections, native types (timestamptz, numeric, jsonb, uuid), arrays as list
/// parameters, the rows by binary COPY straight into <c>transactions</c> behind a savepoint, dead letters,
/// checkpoints and rollups from arrays (the last two in one round trip).
/// Duplicates (an id already stored, e.g. re-sent by a producer): the COPY fails on <c>transactions_pkey</c>, the
/// transaction rolls back to the savepoint, looks the batch's ids up (<c>= ANY($1)</c>) and copies the rest; later
/// attempts of that batch look up first. Measured here on 500k rows (server time): COPY into the indexed table 4.7 s;
/// COPY into a temp staging table then <c>INSERT ... SELECT ... ON CONFLICT DO NOTHING</c> 5.5 s (every row written
/// twice); a look-up before every COPY cost about a fifth of the batch time. Re-sends are rare, so the optimistic COPY
/// wins. A rival writer of another partition inserting the same id concurrently ends in the same unique violation on a
/// later statement or attempt, which is retried (the next look-up sees the committed row).
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    /// <summary>Serialises migrations of one database across nodes ("AkkaFrau" as a number).</summary>
    private const long MigrationLockKey = 0x416B6B614672617;

    private const string CopyTransactions = $"COPY transactions ({Rows.InsertColumns}) FROM STDIN (FORMAT BINARY)";
    private const string OptimisticCopy = "optimistic_copy";

    /// <summary>The server ended a session left idle in a transaction (Npgsql has no constant for it).</summary>
    private const string IdleInTransactionSessionTimeout = "25P03";

    private static readonly SchemaTypes Types = new(
        Text: "text", Integer: "integer", Bigint: "bigint", Double: "double precision", Boolean: "boolean",
        Time: "timestamptz", Amount: "numeric(18, 4)", AmountSum: "numeric", Json: "jsonb", Bytes: "bytea", Uuid: "uuid",
        DefaultNow: " DEFAULT now()", Flagged: "is_flagged",
        AlertIndexes: "CREATE INDEX transactions_alerts_reasons ON transactions USING gin (reasons jsonb_path_ops) WHERE is_flagged;",
        SerialKey: "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", IndexMethod: "USING brin");

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDialect(FraudStoreSettings settings)
    {
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        var connection = builder.ConnectionStringBuilder;
        connection.CommandTimeout = (int)Math.Ceiling(settings.CommandTimeout.TotalSeconds);
        // The client's timeouts die with a frozen client; the server's do not (see FraudStoreSettings).
        connection.Options = string.Join(' ', new[]
        {
            connection.Options,
            $"-c statement_timeout={(long)Math.Ceiling(settings.CommandTimeout.TotalMilliseconds)}",
            $"-c idle_in_transaction_session_timeout={(long)Math.Ceiling(settings.IdleInTransactionTimeout.TotalMilliseconds)}",
        }.Where(o => !string.IsNullOrWhiteSpace(o)));
        _dataSource = builder.Build();
    }

    public override StoreProvider Provider => StoreProvider.PostgreSql;

    public override IReadOnlyList<Migration> Migrations { get; } = Schema.Migrations(Types);

    public override SchemaTypes SchemaTypes => Types;

    public override string Now => "now()";

    public override string Greatest => "GREATEST";

    public override string InList(string parameter) => $"= ANY({parameter})";

    public override string PartitionList(string topics, string partitions) =>
        $"unnest({topics}::text[], {partitions}::integer[]) AS p(topic, kafka_partition)";

    // One index probe per account: LATERAL with OFFSET 0 keeps the planner from flattening it into a join. As a join,
    // with statistics that lag a fast-growing table, it hashed a sequential scan of all transactions instead (seen in
    // the end-to-end benchmark: 16 % of PostgreSQL's time in heap visibility checks, 20–70 ms per 1,000 accounts).
    public override string RowsAfterOffsets => $"""
        SELECT {Rows.Columns} FROM unnest($1::text[], $2::bigint[]) AS after (id, after_offset)
        CROSS JOIN LATERAL (
            SELECT * FROM transactions WHERE account_id = after.id AND kafka_offset > after.after_offset AND kafka_cluster = $3 OFFSET 0) AS t
        ORDER BY account_id, kafka_offset
        """;

    public override string HasRule(string ruleId, Func<object, string> parameter) =>
        $"reasons @> {parameter(ReasonsJson.RuleFilter(ruleId))}::jsonb";

    public override DbParameter Parameter(int position, object value) => new NpgsqlParameter { Value = value };

    public override object Time(DateTimeOffset time) => BatchPlan.Utc(time);

    public override object BatchId(Guid batchId) => batchId;

    public override object TextList(string[] values) => values;

    public override object IntegerList(int[] values) => values;

    public override object BigintList(long[] values) => values;

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public override decimal ReadAmount(DbDataReader reader, int ordinal) => reader.GetDecimal(ordinal);

    public override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(ct);

    public override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", (NpgsqlConnection)connection);
            command.Parameters.Add(new NpgsqlParameter { Value = MigrationLockKey });
            await command.ExecuteNonQueryAsync(ct);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    public override bool IsTransient(Exception exception) => exception switch
    {
        // Another partition's writer stored the same transaction id after our look-up: the retry's look-up sees it.
        PostgresException e when IsDuplicateId(e) => true,
        PostgresException e => e.IsTransient
            || e.SqlState.StartsWith("08", StringComparison.Ordinal)
            || e.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or IdleInTransactionSessionTimeout or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.QueryCanceled,
        NpgsqlException e => e.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    // A dropped server leaves every idle pooled connection dead: forget them, or each retry would find another one.
    public override void OnTransient(Exception exception) => _dataSource.Clear();

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>Optimistic: copy every row; only when an id turns out to be stored already, roll back to the savepoint.</summary>
    public override async Task<bool> TryInsertAllAsync(DbTransaction transaction, string kafkaCluster, ScoredTransaction[] rows, CancellationToken ct)
    {
        var npgsql = (NpgsqlTransaction)transaction;
        await npgsql.SaveAsync(OptimisticCopy, ct);
        try
        {
            await CopyAsync(npgsql.Connection!, kafkaCluster, rows, ct);
            return true;
        }
        catch (PostgresException e) when (IsDuplicateId(e))
        {
            await npgsql.RollbackAsync(OptimisticCopy, ct);
            return false;
        }
    }

    public override Task InsertTransactionsAsync(DbTransaction transaction, string kafkaCluster, ScoredTransaction[] rows, CancellationToken ct) =>
        CopyAsync((NpgsqlConnection)transaction.Connection!, kafkaCluster, rows, ct);

    public override async Task<List<DateTimeOffset>> InsertDeadLettersAsync(DbTransaction transaction, string kafkaCluster, DeadLetterRecord[] letters, CancellationToken ct)
    {
        var inserted = new List<DateTimeOffset>();
        if (letters.Length == 0)
        {
            return inserted;
        }

        await using var command = new NpgsqlCommand($"""
            INSERT INTO dead_letters ({Tables.DeadLetterInsertColumns})
            SELECT $8, * FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::bytea[], $5::text[], $6::text[], $7::timestamptz[])
            {Tables.DeadLetterInsertTail}
            """, (NpgsqlConnection)transaction.Connection!);
        Add(command.Parameters,
            letters.Select(l => l.Topic).ToArray(),
            letters.Select(l => l.KafkaPartition).ToArray(),
            letters.Select(l => l.KafkaOffset).ToArray(),
            letters.Select(l => Rows.Array(l.Payload)).ToArray(),
            letters.Select(l => l.ReasonCode).ToArray(),
            letters.Select(l => l.Detail).ToArray(),
            letters.Select(l => BatchPlan.Utc(l.ReceivedAt)).ToArray(),
            kafkaCluster);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            inserted.Add(ReadTime(reader, 0));
        }

        return inserted;
    }

    public override async Task UpsertCheckpointsAndRollupsAsync(
        DbTransaction transaction, string kafkaCluster, AccountCheckpoint[] checkpoints, RollupDelta[] rollups, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch((NpgsqlConnection)transaction.Connection!);
        if (checkpoints.Length > 0)
        {
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO account_checkpoints ({Tables.CheckpointInsertColumns})
                SELECT $5, a, p, o, s, now() FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::bytea[]) AS u(a, p, o, s)
                {Tables.CheckpointUpsert}
                """);
            Add(command.Parameters,
                checkpoints.Select(c => c.AccountId).ToArray(),
                checkpoints.Select(c => c.KafkaPartition).ToArray(),
                checkpoints.Select(c => c.AsOfOffset).ToArray(),
                checkpoints.Select(c => Rows.Array(c.State)).ToArray(),
                kafkaCluster);
            batch.BatchCommands.Add(command);
        }

        if (rollups.Length > 0)
        {
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO minute_rollups AS r ({Tables.RollupColumns})
                SELECT * FROM unnest($1::timestamptz[], $2::bigint[], $3::bigint[], $4::bigint[], $5::numeric[], $6::numeric[], $7::bigint[])
                {Tables.RollupUpsert}
                """);
            Add(command.Parameters,
                rollups.Select(r => r.Minute).ToArray(),
                rollups.Select(r => r.Transactions).ToArray(),
                rollups.Select(r => r.Flagged).ToArray(),
                rollups.Select(r => r.Blocked).ToArray(),
                rollups.Select(r => r.Amount).ToArray(),
                rollups.Select(r => r.FlaggedAmount).ToArray(),
                rollups.Select(r => r.DeadLetters).ToArray());
            batch.BatchCommands.Add(command);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    private static bool IsDuplicateId(PostgresException e) =>
        e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "transactions_pkey" };

    /// <summary>
    /// Binary COPY of the rows. The per-field writes are the synchronous ones: they only fill Npgsql's buffer and block
    /// when it flushes into a full socket (the server catching up, bounded by the command timeout), and they made the
    /// whole batch about a fifth faster than 25 awaited writes per row.
    /// </summary>
    private static async Task CopyAsync(NpgsqlConnection connection, string kafkaCluster, ScoredTransaction[] rows, CancellationToken ct)
    {
        if (rows.Length == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(CopyTransactions, ct);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            var t = row.Transaction;
            var v = row.Verdict;
            copy.StartRow();
            copy.Write(kafkaCluster, NpgsqlDbType.Text);
            copy.Write(t.TransactionId, NpgsqlDbType.Text);
            copy.Write(t.AccountId, NpgsqlDbType.Text);
            copy.Write(BatchPlan.Utc(t.EventTime), NpgsqlDbType.TimestampTz);
            copy.Write(t.Amount, NpgsqlDbType.Numeric);
            copy.Write(t.Currency, NpgsqlDbType.Text);
            copy.Write(Domain.WireNames.Type(t.Type), NpgsqlDbType.Text);
            copy.Write(Domain.WireNames.Channel(t.Channel), NpgsqlDbType.Text);
            WriteText(copy, t.MerchantId);
            WriteText(copy, t.MerchantName);
            WriteText(copy, t.MerchantCategory);
            WriteText(copy, t.CounterpartyId);
            copy.Write(t.Country, NpgsqlDbType.Text);
            WriteDouble(copy, t.Latitude);
            WriteDouble(copy, t.Longitude);
            WriteText(copy, t.DeviceId);
            copy.Write(v.Score, NpgsqlDbType.Integer);
            copy.Write(Domain.WireNames.Decision(v.Decision), NpgsqlDbType.Text);
            copy.Write(v.Flagged, NpgsqlDbType.Boolean);
            copy.Write(v.IsDuplicate, NpgsqlDbType.Boolean);
            copy.Write(ReasonsJson.Serialize(v.Reasons), NpgsqlDbType.Jsonb);
            copy.Write(v.RuleSetVersion, NpgsqlDbType.Integer);
            copy.Write(row.KafkaPartition, NpgsqlDbType.Integer);
            copy.Write(row.KafkaOffset, NpgsqlDbType.Bigint);
            copy.Write(BatchPlan.Utc(row.IngestedAt), NpgsqlDbType.TimestampTz);
            copy.Write(BatchPlan.Utc(row.ProcessedAt), NpgsqlDbType.TimestampTz);
            WriteAmount(copy, t.BalanceBefore);
            WriteAmount(copy, t.BalanceAfter);
        }

        await copy.CompleteAsync(ct);
    }

    private static void WriteText(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }

    private static void WriteAmount(NpgsqlBinaryImporter copy, decimal? value)
    {
        if (value is { } amount)
        {
            copy.Write(amount, NpgsqlDbType.Numeric);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static void WriteDouble(NpgsqlBinaryImporter copy, double? value)
    {
        if (value is { } v)
        {
            copy.Write(v, NpgsqlDbType.Double);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static void Add(NpgsqlParameterCollection parameters, params object[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(new NpgsqlParameter { Value = value });
        }
    }
}
