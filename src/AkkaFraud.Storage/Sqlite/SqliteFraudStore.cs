using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AkkaFraud.Domain;
using AkkaFraud.Storage.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AkkaFraud.Storage.Sqlite;

/// <summary>
/// The embedded mode's store: one SQLite file in WAL mode. A batch is one <c>BEGIN IMMEDIATE</c> transaction (SQLite has
/// one writer at a time, so writers queue on the file lock and never deadlock): compare-and-set offsets, look up the ids
/// already stored, then prepared multi-row inserts of the rest, dead letters, checkpoint and rollup upserts, commit.
/// The same contract tests as PostgreSQL hold.
/// </summary>
internal sealed class SqliteFraudStore : IMigratingStore
{
    private const decimal AmountScale = 10_000m;
    private const int ReadChunk = 10_000;
    private const int RowsPerStatement = 64;
    private const string Now = "(CAST(strftime('%s', 'now') AS INTEGER) * 1000000)";

    private static readonly SqliteMultiRowInsert<ScoredTransaction> InsertTransactions = new(
        $"INSERT INTO transactions ({Rows.Columns})", Rows.ColumnCount, "", RowsPerStatement, static (row, p, i) =>
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
        });

    private static readonly SqliteMultiRowInsert<DeadLetterRecord> InsertDeadLetters = new(
        "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, payload, reason_code, detail, received_at)", 7,
        "ON CONFLICT DO NOTHING RETURNING received_at", RowsPerStatement, static (letter, p, i) =>
        {
            p[i].Value = letter.Topic;
            p[i + 1].Value = letter.KafkaPartition;
            p[i + 2].Value = letter.KafkaOffset;
            p[i + 3].Value = Rows.Array(letter.Payload);
            p[i + 4].Value = letter.ReasonCode;
            p[i + 5].Value = letter.Detail;
            p[i + 6].Value = BatchPlan.UnixMicros(letter.ReceivedAt);
        });

    private static readonly SqliteMultiRowInsert<AccountCheckpoint> UpsertCheckpoints = new(
        "INSERT INTO account_checkpoints (account_id, kafka_partition, as_of_offset, state, updated_at)", 5,
        """
        ON CONFLICT (account_id) DO UPDATE SET kafka_partition = excluded.kafka_partition,
            as_of_offset = excluded.as_of_offset, state = excluded.state, updated_at = excluded.updated_at
        """, RowsPerStatement, static (checkpoint, p, i) =>
        {
            p[i].Value = checkpoint.AccountId;
            p[i + 1].Value = checkpoint.KafkaPartition;
            p[i + 2].Value = checkpoint.AsOfOffset;
            p[i + 3].Value = Rows.Array(checkpoint.State);
            p[i + 4].Value = BatchPlan.UnixMicros(DateTimeOffset.UtcNow);
        });

    private static readonly SqliteMultiRowInsert<RollupDelta> UpsertRollups = new(
        "INSERT INTO minute_rollups (minute, transactions, flagged, blocked, amount, flagged_amount, dead_letters)", 7,
        """
        ON CONFLICT (minute) DO UPDATE SET transactions = transactions + excluded.transactions,
            flagged = flagged + excluded.flagged, blocked = blocked + excluded.blocked, amount = amount + excluded.amount,
            flagged_amount = flagged_amount + excluded.flagged_amount, dead_letters = dead_letters + excluded.dead_letters
        """, RowsPerStatement, static (rollup, p, i) =>
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
    private readonly int _busyTimeoutMs;
    private readonly RetryPolicy _retry;
    private readonly ILogger _logger;

    public SqliteFraudStore(FraudStoreSettings settings, ILogger logger)
    {
        var builder = new SqliteConnectionStringBuilder(settings.ConnectionString)
        {
            DefaultTimeout = (int)Math.Ceiling(settings.CommandTimeout.TotalSeconds),
        };
        _connectionString = builder.ConnectionString;
        _busyTimeoutMs = (int)Math.Min(int.MaxValue, settings.CommandTimeout.TotalMilliseconds);
        _logger = logger;
        _retry = new RetryPolicy(settings.Retry, IsTransient, _ => { }, logger);
        if (builder.Mode is SqliteOpenMode.ReadWriteCreate && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }

    public StoreProvider Provider => StoreProvider.Sqlite;

    public ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; a disposed store lets go of it.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    public Task MigrateAsync(CancellationToken cancellationToken) =>
        _retry.ExecuteAsync("migrate", async (_, ct) =>
        {
            await using var connection = await OpenAsync(ct);
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", ct);
            await using var transaction = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER NOT NULL PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at INTEGER NOT NULL)
                """, ct);
            var applied = new List<int>();
            await using (var select = Command(connection, transaction, "SELECT version FROM schema_migrations"))
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var pending = Migrations.Pending(SqliteSchema.All, applied);
            foreach (var migration in pending)
            {
                await ExecuteAsync(connection, transaction, migration.Sql, ct);
                await ExecuteAsync(connection, transaction, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, {Now})", ct,
                    ("$v", migration.Version), ("$n", migration.Name));
            }

            await transaction.CommitAsync(ct);
            if (pending.Count > 0)
            {
                Log.Migrated(_logger, pending.Count, StoreProvider.Sqlite, pending[^1].Version);
            }
        }, cancellationToken);

    public async Task<BatchResult> WriteBatchAsync(StoreBatch batch, CancellationToken cancellationToken = default)
    {
        var plan = BatchPlan.Create(batch);
        var batchId = Guid.NewGuid().ToString("N");
        BatchCommitted? sentCommit = null;
        return await _retry.ExecuteAsync<BatchResult>("write batch", async (_, ct) =>
        {
            await using var connection = await OpenAsync(ct);
            // BEGIN IMMEDIATE: take the write lock now, not on the first write (which could fail to upgrade).
            await using var transaction = connection.BeginTransaction(deferred: false);

            var conflicts = await CompareAndSetOffsetsAsync(transaction, plan, batchId, ct);
            if (conflicts.Count > 0)
            {
                return conflicts.All(c => c.StoredBatch == batchId) && sentCommit is not null
                    ? sentCommit
                    : new BatchFenced([.. conflicts.Select(c => c.Conflict)]);
            }

            var stored = await StoredIdsAsync(transaction, plan, ct);
            var rows = plan.Without(stored);
            await InsertTransactions.ExecuteAsync(transaction, rows, null, ct);
            var letterTimes = new List<DateTimeOffset>();
            await InsertDeadLetters.ExecuteAsync(transaction, plan.DeadLetters, r => letterTimes.Add(BatchPlan.FromUnixMicros(r.GetInt64(0))), ct);
            await UpsertCheckpoints.ExecuteAsync(transaction, plan.Checkpoints, null, ct);
            await UpsertRollups.ExecuteAsync(transaction, BatchPlan.Rollups(rows, letterTimes), null, ct);

            var result = new BatchCommitted(
                rows.Length, plan.Candidates.Length - rows.Length + plan.RepeatedTransactions, letterTimes.Count, plan.Checkpoints.Length);
            sentCommit = result;
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<StoredPartition, long>> GetOffsetsAsync(
        string consumerGroup, IReadOnlyCollection<StoredPartition> partitions, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(partitions);
        var wanted = partitions.ToHashSet();
        return _retry.ExecuteAsync<IReadOnlyDictionary<StoredPartition, long>>("read offsets", async (_, ct) =>
        {
            await using var connection = await OpenAsync(ct);
            await using var command = Command(connection, null,
                "SELECT topic, kafka_partition, next_offset FROM kafka_offsets WHERE consumer_group = $g", ("$g", consumerGroup));
            var offsets = new Dictionary<StoredPartition, long>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var partition = new StoredPartition(reader.GetString(0), reader.GetInt32(1));
                if (wanted.Contains(partition))
                {
                    offsets[partition] = reader.GetInt64(2);
                }
            }

            return offsets;
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, AccountCheckpoint>> GetCheckpointsAsync(
        IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        var ids = JsonSerializer.Serialize(accountIds.Distinct(StringComparer.Ordinal).ToArray(), StorageJsonContext.Default.StringArray);
        return _retry.ExecuteAsync<IReadOnlyDictionary<string, AccountCheckpoint>>("read checkpoints", async (_, ct) =>
        {
            await using var connection = await OpenAsync(ct);
            await using var command = Command(connection, null, """
                SELECT account_id, kafka_partition, as_of_offset, state FROM account_checkpoints
                WHERE account_id IN (SELECT value FROM json_each($ids))
                """, ("$ids", ids));
            var checkpoints = new Dictionary<string, AccountCheckpoint>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var checkpoint = new AccountCheckpoint(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), (byte[])reader.GetValue(3));
                checkpoints[checkpoint.AccountId] = checkpoint;
            }

            return checkpoints;
        }, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ScoredTransaction>>> GetTransactionsAfterAsync(
        IReadOnlyDictionary<string, long> afterOffsets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(afterOffsets);
        var found = new List<ScoredTransaction>();
        foreach (var chunk in afterOffsets.Chunk(ReadChunk))
        {
            var ids = JsonSerializer.Serialize(chunk.Select(kv => kv.Key).ToArray(), StorageJsonContext.Default.StringArray);
            var offsets = JsonSerializer.Serialize(chunk.Select(kv => kv.Value).ToArray(), StorageJsonContext.Default.Int64Array);
            found.AddRange(await QueryAsync("read transactions after checkpoints", $"""
                WITH after (id, after_offset) AS (
                    SELECT i.value, o.value FROM json_each($ids) AS i JOIN json_each($offsets) AS o ON o.key = i.key)
                SELECT {Rows.Columns} FROM transactions JOIN after ON account_id = after.id AND kafka_offset > after.after_offset
                ORDER BY account_id, kafka_offset
                """, [("$ids", ids), ("$offsets", offsets)], ReadScored, cancellationToken));
        }

        return Rows.ByAccount(found);
    }

    public Task RecordGapAsync(IngestGap gap, CancellationToken cancellationToken = default)
    {
        Rows.Check(gap);
        return _retry.ExecuteAsync("record gap", async (_, ct) =>
        {
            await using var connection = await OpenAsync(ct);
            await ExecuteAsync(connection, null, """
                INSERT INTO ingest_gaps (topic, kafka_partition, first_missing_offset, next_available_offset, detected_at)
                VALUES ($t, $p, $f, $n, $d)
                ON CONFLICT (topic, kafka_partition, first_missing_offset)
                DO UPDATE SET next_available_offset = max(next_available_offset, excluded.next_available_offset)
                """, ct, ("$t", gap.Topic), ("$p", gap.Partition), ("$f", gap.FirstMissingOffset), ("$n", gap.NextAvailableOffset),
                ("$d", BatchPlan.UnixMicros(gap.DetectedAt)));
        }, cancellationToken);
    }

    public Task<IReadOnlyList<IngestGap>> GetGapsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("read gaps", """
            SELECT topic, kafka_partition, first_missing_offset, next_available_offset, detected_at FROM ingest_gaps
            ORDER BY detected_at DESC, topic, kafka_partition, first_missing_offset
            """, [], r => new IngestGap(r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), Time(r, 4)), cancellationToken);

    public async Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        Rows.Check(query);
        var sql = new StringBuilder($"SELECT {Rows.Columns} FROM transactions WHERE is_flagged = 1");
        var parameters = new List<(string, object)>();
        string P(object value)
        {
            var name = "$p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add((name, value));
            return name;
        }

        if (query.From is { } from)
        {
            sql.Append(" AND event_time >= ").Append(P(BatchPlan.UnixMicros(from)));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND event_time < ").Append(P(BatchPlan.UnixMicros(to)));
        }

        if (query.Decision is { } decision)
        {
            sql.Append(" AND decision = ").Append(P(Domain.WireNames.Decision(decision)));
        }

        if (query.RuleId is { } ruleId)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM json_each(reasons) WHERE json_extract(value, '$.ruleId') = ").Append(P(ruleId)).Append(')');
        }

        if (query.AccountId is { } accountId)
        {
            sql.Append(" AND account_id = ").Append(P(accountId));
        }

        if (query.After is { } after)
        {
            sql.Append(" AND (event_time, transaction_id) < (").Append(P(BatchPlan.UnixMicros(after.EventTime)))
                .Append(", ").Append(P(after.TransactionId)).Append(')');
        }

        sql.Append(" ORDER BY event_time DESC, transaction_id DESC LIMIT ").Append(P(query.Limit + 1));
        var rows = await QueryAsync("read alerts", sql.ToString(), parameters, ReadScored, cancellationToken);
        return Rows.Page([.. rows], query.Limit);
    }

    public async Task<ScoredTransaction?> GetTransactionAsync(string transactionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        var rows = await QueryAsync("read transaction", $"SELECT {Rows.Columns} FROM transactions WHERE transaction_id = $id",
            [("$id", transactionId)], ReadScored, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<ScoredTransaction>> GetAccountHistoryAsync(
        string accountId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return QueryAsync("read account history", $"""
            SELECT {Rows.Columns} FROM transactions WHERE account_id = $a
            ORDER BY event_time DESC, transaction_id DESC LIMIT $n
            """, [("$a", accountId), ("$n", limit)], ReadScored, cancellationToken);
    }

    public Task<IReadOnlyList<MinuteRollup>> GetMinuteRollupsAsync(
        DateTimeOffset fromInclusive, DateTimeOffset toExclusive, CancellationToken cancellationToken = default) =>
        QueryAsync("read rollups", """
            SELECT minute, transactions, flagged, blocked, amount, flagged_amount, dead_letters FROM minute_rollups
            WHERE minute >= $from AND minute < $to ORDER BY minute
            """, [("$from", BatchPlan.UnixMicros(fromInclusive)), ("$to", BatchPlan.UnixMicros(toExclusive))],
            r => new MinuteRollup(Time(r, 0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), Amount(r, 4), Amount(r, 5), r.GetInt64(6)),
            cancellationToken);

    public async Task<StoreTotals> GetTotalsAsync(CancellationToken cancellationToken = default)
    {
        var totals = await QueryAsync("read totals", """
            SELECT coalesce(sum(transactions), 0), coalesce(sum(flagged), 0), coalesce(sum(blocked), 0),
                   coalesce(sum(amount), 0), coalesce(sum(flagged_amount), 0), coalesce(sum(dead_letters), 0)
            FROM minute_rollups
            """, [], r => new StoreTotals(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), Amount(r, 3), Amount(r, 4), r.GetInt64(5)),
            cancellationToken);
        return totals[0];
    }

    public Task<IReadOnlyList<DeadLetterRecord>> GetRecentDeadLettersAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return QueryAsync("read dead letters", """
            SELECT topic, kafka_partition, kafka_offset, payload, reason_code, detail, received_at FROM dead_letters
            ORDER BY received_at DESC, topic, kafka_partition, kafka_offset DESC LIMIT $n
            """, [("$n", limit)],
            r => new DeadLetterRecord(r.GetString(0), r.GetInt32(1), r.GetInt64(2), (byte[])r.GetValue(3), r.GetString(4), r.GetString(5), Time(r, 6)),
            cancellationToken);
    }

    /// <summary>The file is locked by another writer for longer than the busy timeout.</summary>
    internal static bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 }; // SQLITE_BUSY, SQLITE_LOCKED

    private static async Task<List<(OffsetConflict Conflict, string? StoredBatch)>> CompareAndSetOffsetsAsync(
        SqliteTransaction transaction, BatchPlan plan, string batchId, CancellationToken ct)
    {
        var connection = transaction.Connection!;
        var conflicts = new List<(OffsetConflict, string?)>();
        foreach (var offset in plan.Offsets)
        {
            var sql = offset.ExpectedOffset is null
                ? $"""
                    INSERT INTO kafka_offsets (consumer_group, topic, kafka_partition, next_offset, batch_id, updated_at)
                    VALUES ($g, $t, $p, $n, $b, {Now}) ON CONFLICT DO NOTHING
                    """
                : $"""
                    UPDATE kafka_offsets SET next_offset = $n, batch_id = $b, updated_at = {Now}
                    WHERE consumer_group = $g AND topic = $t AND kafka_partition = $p AND next_offset = $e
                    """;
            await using var command = Command(connection, transaction, sql, ("$g", plan.ConsumerGroup), ("$t", offset.Partition.Topic),
                ("$p", offset.Partition.Partition), ("$n", offset.NextOffset), ("$b", batchId), ("$e", offset.ExpectedOffset ?? -1L));
            if (await command.ExecuteNonQueryAsync(ct) == 1)
            {
                continue;
            }

            await using var select = Command(connection, transaction, """
                SELECT next_offset, batch_id FROM kafka_offsets WHERE consumer_group = $g AND topic = $t AND kafka_partition = $p
                """, ("$g", plan.ConsumerGroup), ("$t", offset.Partition.Topic), ("$p", offset.Partition.Partition));
            await using var reader = await select.ExecuteReaderAsync(ct);
            conflicts.Add(await reader.ReadAsync(ct)
                ? (new OffsetConflict(offset.Partition, offset.ExpectedOffset, reader.GetInt64(0)), reader.GetString(1))
                : (new OffsetConflict(offset.Partition, offset.ExpectedOffset, null), null));
        }

        return conflicts;
    }

    private static async Task<IReadOnlySet<string>> StoredIdsAsync(SqliteTransaction transaction, BatchPlan plan, CancellationToken ct)
    {
        var stored = new HashSet<string>(StringComparer.Ordinal);
        if (plan.Candidates.Length == 0)
        {
            return stored;
        }

        var ids = JsonSerializer.Serialize(plan.Candidates.Select(c => c.Transaction.TransactionId).ToArray(), StorageJsonContext.Default.StringArray);
        await using var command = Command(transaction.Connection!, transaction,
            "SELECT transaction_id FROM transactions WHERE transaction_id IN (SELECT value FROM json_each($ids))", ("$ids", ids));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stored.Add(reader.GetString(0));
        }

        return stored;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await ExecuteAsync(connection, null,
                $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}; PRAGMA synchronous = NORMAL", ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private Task<IReadOnlyList<T>> QueryAsync<T>(
        string operation, string sql, IReadOnlyList<(string Name, object Value)> parameters, Func<SqliteDataReader, T> read,
        CancellationToken cancellationToken) =>
        _retry.ExecuteAsync<IReadOnlyList<T>>(operation, async (_, ct) =>
        {
            await using var connection = await OpenAsync(ct);
            await using var command = Command(connection, null, sql, [.. parameters]);
            var results = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                results.Add(read(reader));
            }

            return results;
        }, cancellationToken);

    private static ScoredTransaction ReadScored(SqliteDataReader reader) => Rows.Read(reader, Time, Amount);

    private static DateTimeOffset Time(DbDataReader reader, int ordinal) => BatchPlan.FromUnixMicros(reader.GetInt64(ordinal));

    private static decimal Amount(DbDataReader reader, int ordinal) => reader.GetInt64(ordinal) / AmountScale;

    private static long Units(decimal amount) => (long)(amount * AmountScale);

    private static SqliteCommand Command(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(ct);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long[]))]
internal sealed partial class StorageJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
