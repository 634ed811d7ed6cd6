using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AkkaFraud.Storage.Internal;

/// <summary>
/// The store on either database: the migration runner, the batch write and every query, with what differs left to
/// the <see cref="SqlDialect"/>. A batch is one transaction on one connection, in this order:
/// <list type="number">
/// <item>compare-and-set every partition's offset (sorted, so writers lock in one order); a mismatch rolls back and
/// returns <see cref="BatchFenced"/> before any row is sent;</item>
/// <item>the rows: all at once where the dialect can try that cheaply (PostgreSQL's COPY), otherwise, and on every
/// later attempt of a batch whose ids were partly stored already, after looking the ids up;</item>
/// <item>dead letters, then checkpoints and minute rollups, the rollups last so the shared minute rows stay locked
/// for as short as possible;</item>
/// <item>commit.</item>
/// </list>
/// </summary>
internal sealed partial class SqlFraudStore : IFraudStore
{
    private const int ReadChunk = 10_000;

    private readonly SqlDialect _dialect;
    private readonly RetryPolicy _retry;
    private readonly ILogger _logger;
    private readonly string _insertOffset;
    private readonly string _updateOffset;
    private readonly string _offsets;
    private readonly string _storedIds;
    private readonly string _checkpoints;
    private readonly string _recordGap;
    private readonly string _recordMigration;

    public SqlFraudStore(SqlDialect dialect, StoreRetrySettings retry, ILogger logger)
    {
        _dialect = dialect;
        _logger = logger;
        _retry = new RetryPolicy(retry, dialect.IsTransient, dialect.OnTransient, logger);
        // "No offset yet" is an expectation too: the insert does nothing when a rival inserted first.
        _insertOffset = $"""
            INSERT INTO kafka_offsets (kafka_cluster, consumer_group, topic, kafka_partition, next_offset, batch_id, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, {dialect.Now}) ON CONFLICT DO NOTHING
            """;
        _updateOffset = $"""
            UPDATE kafka_offsets SET next_offset = $5, batch_id = $6, updated_at = {dialect.Now}
            WHERE kafka_cluster = $1 AND consumer_group = $2 AND topic = $3 AND kafka_partition = $4 AND next_offset = $7
            """;
        _offsets = $"""
            SELECT o.topic, o.kafka_partition, o.next_offset, o.batch_id
            FROM kafka_offsets o JOIN {dialect.PartitionList("$3", "$4")}
                ON o.topic = p.topic AND o.kafka_partition = p.kafka_partition
            WHERE o.kafka_cluster = $1 AND o.consumer_group = $2
            """;
        _storedIds = $"SELECT transaction_id FROM transactions WHERE transaction_id {dialect.InList("$1")}";
        _checkpoints = $"""
            SELECT account_id, kafka_partition, as_of_offset, state FROM account_checkpoints
            WHERE account_id {dialect.InList("$2")} AND kafka_cluster = $1
            """;
        _recordGap = $"""
            INSERT INTO ingest_gaps AS g ({Tables.GapColumns})
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (kafka_cluster, topic, kafka_partition, first_missing_offset)
            DO UPDATE SET next_available_offset = {dialect.Greatest}(g.next_available_offset, excluded.next_available_offset)
            """;
        _recordMigration = $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, {dialect.Now})";
    }

    public StoreProvider Provider => _dialect.Provider;

    public ValueTask DisposeAsync() => _dialect.DisposeAsync();

    public Task MigrateAsync(CancellationToken cancellationToken) =>
        _retry.ExecuteAsync("migrate", async (_, ct) =>
        {
            await using var connection = await _dialect.OpenAsync(ct);
            await using var transaction = await _dialect.BeginMigrationAsync(connection, ct);
            await ExecuteAsync(transaction, Schema.Render(Schema.MigrationsTable, _dialect.SchemaTypes), ct);
            var applied = new List<int>();
            await using (var select = Command(connection, transaction, "SELECT version FROM schema_migrations"))
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var pending = Migrations.Pending(_dialect.Migrations, applied);
            foreach (var migration in pending)
            {
                await ExecuteAsync(transaction, migration.Sql, ct);
                await ExecuteAsync(transaction, _recordMigration, ct, migration.Version, migration.Name);
            }

            await transaction.CommitAsync(ct);
            if (pending.Count > 0)
            {
                Log.Migrated(_logger, pending.Count, _dialect.Provider, pending[^1].Version);
            }
        }, cancellationToken);

    public async Task<BatchResult> WriteBatchAsync(StoreBatch batch, CancellationToken cancellationToken = default)
    {
        var plan = BatchPlan.Create(batch);
        var batchId = _dialect.BatchId(Guid.NewGuid());
        BatchCommitted? sentCommit = null;
        var lookUpFirst = false;
        return await _retry.ExecuteAsync<BatchResult>("write batch", async (_, ct) =>
        {
            await using var connection = await _dialect.OpenAsync(ct);
            await using var transaction = await _dialect.BeginWriteAsync(connection, ct);

            var conflicts = await CompareAndSetOffsetsAsync(transaction, plan, batchId, ct);
            if (conflicts.Count > 0)
            {
                // Our own batch id in the stored row: an earlier attempt committed and only its acknowledgement was lost.
                return conflicts.All(c => Equals(c.StoredBatch, batchId)) && sentCommit is not null
                    ? sentCommit
                    : new BatchFenced([.. conflicts.Select(c => c.Conflict)]);
            }

            ScoredTransaction[]? rows = null;
            if (!lookUpFirst && plan.Candidates.Length > 0)
            {
                if (await _dialect.TryInsertAllAsync(transaction, plan.KafkaCluster, plan.Candidates, ct))
                {
                    rows = plan.Candidates;
                }
                else
                {
                    lookUpFirst = true;
                }
            }

            if (rows is null)
            {
                rows = plan.Without(await StoredIdsAsync(transaction, plan, ct));
                await _dialect.InsertTransactionsAsync(transaction, plan.KafkaCluster, rows, ct);
            }

            var letterTimes = await _dialect.InsertDeadLettersAsync(transaction, plan.KafkaCluster, plan.DeadLetters, ct);
            await _dialect.UpsertCheckpointsAndRollupsAsync(transaction, plan.KafkaCluster, plan.Checkpoints, BatchPlan.Rollups(rows, letterTimes), ct);

            var result = new BatchCommitted(
                rows.Length, plan.Candidates.Length - rows.Length + plan.RepeatedTransactions, letterTimes.Count, plan.Checkpoints.Length);
            sentCommit = result;
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<StoredPartition, long>> GetOffsetsAsync(
        string kafkaCluster, string consumerGroup, IReadOnlyCollection<StoredPartition> partitions, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kafkaCluster);
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(partitions);
        return _retry.ExecuteAsync<IReadOnlyDictionary<StoredPartition, long>>("read offsets", async (_, ct) =>
        {
            await using var connection = await _dialect.OpenAsync(ct);
            var stored = await StoredOffsetsAsync(connection, null, kafkaCluster, consumerGroup, partitions, ct);
            return stored.ToDictionary(kv => kv.Key, kv => kv.Value.Offset);
        }, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, AccountCheckpoint>> GetCheckpointsAsync(
        string kafkaCluster, IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kafkaCluster);
        ArgumentNullException.ThrowIfNull(accountIds);
        var checkpoints = new Dictionary<string, AccountCheckpoint>(StringComparer.Ordinal);
        foreach (var chunk in accountIds.Distinct(StringComparer.Ordinal).Chunk(ReadChunk))
        {
            var found = await QueryAsync("read checkpoints", _checkpoints, [kafkaCluster, _dialect.TextList(chunk)],
                r => new AccountCheckpoint(r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetFieldValue<byte[]>(3)), cancellationToken);
            foreach (var checkpoint in found)
            {
                checkpoints[checkpoint.AccountId] = checkpoint;
            }
        }

        return checkpoints;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ScoredTransaction>>> GetTransactionsAfterAsync(
        string kafkaCluster, IReadOnlyDictionary<string, long> afterOffsets, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kafkaCluster);
        ArgumentNullException.ThrowIfNull(afterOffsets);
        var found = new List<ScoredTransaction>();
        foreach (var chunk in afterOffsets.Chunk(ReadChunk))
        {
            found.AddRange(await QueryAsync("read transactions after checkpoints", _dialect.RowsAfterOffsets,
                [_dialect.TextList([.. chunk.Select(kv => kv.Key)]), _dialect.BigintList([.. chunk.Select(kv => kv.Value)]), kafkaCluster],
                ReadScored, cancellationToken));
        }

        return Rows.ByAccount(found);
    }

    public Task RecordGapAsync(IngestGap gap, CancellationToken cancellationToken = default)
    {
        Rows.Check(gap);
        return _retry.ExecuteAsync("record gap", async (_, ct) =>
        {
            await using var connection = await _dialect.OpenAsync(ct);
            await using var command = Command(connection, null, _recordGap,
                gap.KafkaCluster, gap.Topic, gap.Partition, gap.FirstMissingOffset, gap.NextAvailableOffset, _dialect.Time(gap.DetectedAt));
            await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<IngestGap>> GetGapsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("read gaps", $"""
            SELECT {Tables.GapColumns} FROM ingest_gaps
            ORDER BY detected_at DESC, kafka_cluster, topic, kafka_partition, first_missing_offset
            """, [], r => new IngestGap(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), _dialect.ReadTime(r, 5)), cancellationToken);

    public async Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        Rows.Check(query);
        var sql = new StringBuilder($"SELECT {Rows.Columns} FROM transactions WHERE {_dialect.IsFlagged}");
        var parameters = new QueryParameters();
        var P = parameters.Add;

        if (query.From is { } from)
        {
            sql.Append(" AND event_time >= ").Append(P(_dialect.Time(from)));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND event_time < ").Append(P(_dialect.Time(to)));
        }

        if (query.Decision is { } decision)
        {
            sql.Append(" AND decision = ").Append(P(Domain.WireNames.Decision(decision)));
        }

        if (query.RuleId is { } ruleId)
        {
            sql.Append(" AND ").Append(_dialect.HasRule(ruleId, P));
        }

        if (query.AccountId is { } accountId)
        {
            sql.Append(" AND account_id = ").Append(P(accountId));
        }

        if (query.After is { } after)
        {
            sql.Append(" AND (event_time, transaction_id) < (").Append(P(_dialect.Time(after.EventTime)))
                .Append(", ").Append(P(after.TransactionId)).Append(')');
        }

        sql.Append(" ORDER BY event_time DESC, transaction_id DESC LIMIT ").Append(P(query.Limit + 1));
        var rows = await QueryAsync("read alerts", sql.ToString(), parameters.Values, ReadScored, cancellationToken);
        var (items, last) = Rows.Page(rows, query.Limit);
        return new AlertPage(items, last is null ? null : new AlertCursor(last.Transaction.EventTime, last.Transaction.TransactionId));
    }

    public async Task<ScoredTransaction?> GetTransactionAsync(string transactionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        var rows = await QueryAsync("read transaction", $"SELECT {Rows.Columns} FROM transactions WHERE transaction_id = $1",
            [transactionId], ReadScored, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<ScoredTransaction>> GetAccountHistoryAsync(
        string accountId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return QueryAsync("read account history", $"""
            SELECT {Rows.Columns} FROM transactions WHERE account_id = $1
            ORDER BY event_time DESC, transaction_id DESC LIMIT $2
            """, [accountId, limit], ReadScored, cancellationToken);
    }

    public async IAsyncEnumerable<ScoredTransaction> ReadTimeRangeAsync(
        DateTimeOffset fromInclusive, DateTimeOffset toExclusive, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            SELECT {Rows.Columns} FROM transactions WHERE event_time >= $1 AND event_time < $2
            ORDER BY kafka_partition, kafka_offset
            """, _dialect.Time(fromInclusive), _dialect.Time(toExclusive));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadScored(reader);
        }
    }

    public Task<IReadOnlyList<MinuteRollup>> GetMinuteRollupsAsync(
        DateTimeOffset fromInclusive, DateTimeOffset toExclusive, CancellationToken cancellationToken = default) =>
        QueryAsync("read rollups", $"""
            SELECT {Tables.RollupColumns} FROM minute_rollups
            WHERE minute >= $1 AND minute < $2 ORDER BY minute
            """, [_dialect.Time(fromInclusive), _dialect.Time(toExclusive)],
            r => new MinuteRollup(_dialect.ReadTime(r, 0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3),
                _dialect.ReadAmount(r, 4), _dialect.ReadAmount(r, 5), r.GetInt64(6)),
            cancellationToken);

    public async Task<StoreTotals> GetTotalsAsync(CancellationToken cancellationToken = default)
    {
        var totals = await QueryAsync("read totals", """
            SELECT CAST(coalesce(sum(transactions), 0) AS bigint), CAST(coalesce(sum(flagged), 0) AS bigint),
                   CAST(coalesce(sum(blocked), 0) AS bigint), coalesce(sum(amount), 0), coalesce(sum(flagged_amount), 0),
                   CAST(coalesce(sum(dead_letters), 0) AS bigint)
            FROM minute_rollups
            """, [], r => new StoreTotals(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), _dialect.ReadAmount(r, 3), _dialect.ReadAmount(r, 4), r.GetInt64(5)),
            cancellationToken);
        return totals[0];
    }

    public Task<IReadOnlyList<PartitionCommit>> GetPartitionCommitsAsync(
        string kafkaCluster, string consumerGroup, string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kafkaCluster);
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return QueryAsync("read partition commits", """
            SELECT kafka_partition, next_offset, updated_at FROM kafka_offsets
            WHERE kafka_cluster = $1 AND consumer_group = $2 AND topic = $3
            ORDER BY kafka_partition
            """, [kafkaCluster, consumerGroup, topic], r => new PartitionCommit(r.GetInt32(0), r.GetInt64(1), _dialect.ReadTime(r, 2)), cancellationToken);
    }

    public async Task<DeadLetterPage> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken = default)
    {
        Rows.Check(query);
        var sql = new StringBuilder($"SELECT {Tables.StoredDeadLetterColumns} FROM dead_letters WHERE 1 = 1");
        var parameters = new QueryParameters();
        var P = parameters.Add;

        if (query.ReasonCode is { } reason)
        {
            sql.Append(" AND reason_code = ").Append(P(reason));
        }

        if (query.Partition is { } partition)
        {
            sql.Append(" AND kafka_partition = ").Append(P(partition));
        }

        if (query.From is { } from)
        {
            sql.Append(" AND received_at >= ").Append(P(_dialect.Time(from)));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND received_at < ").Append(P(_dialect.Time(to)));
        }

        if (query.After is { } after)
        {
            sql.Append(" AND (received_at, kafka_cluster, topic, kafka_partition, kafka_offset) < (")
                .Append(P(_dialect.Time(after.ReceivedAt))).Append(", ").Append(P(after.Key.KafkaCluster)).Append(", ")
                .Append(P(after.Key.Topic)).Append(", ").Append(P(after.Key.Partition)).Append(", ").Append(P(after.Key.Offset)).Append(')');
        }

        sql.Append(" ORDER BY received_at DESC, kafka_cluster DESC, topic DESC, kafka_partition DESC, kafka_offset DESC LIMIT ")
            .Append(P(query.Limit + 1));
        var rows = await QueryAsync("read dead letters", sql.ToString(), parameters.Values, ReadDeadLetter, cancellationToken);
        var (items, last) = Rows.Page(rows, query.Limit);
        return new DeadLetterPage(items, last is null ? null : new DeadLetterCursor(last.Letter.ReceivedAt, last.Key));
    }

    public async Task<StoredDeadLetter?> GetDeadLetterAsync(DeadLetterKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rows = await QueryAsync("read dead letter", $"""
            SELECT {Tables.StoredDeadLetterColumns} FROM dead_letters
            WHERE kafka_cluster = $1 AND topic = $2 AND kafka_partition = $3 AND kafka_offset = $4
            """, [key.KafkaCluster, key.Topic, key.Partition, key.Offset], ReadDeadLetter, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    private StoredDeadLetter ReadDeadLetter(DbDataReader r) => new(r.GetString(0), new DeadLetterRecord(
        r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetFieldValue<byte[]>(4), r.GetString(5), r.GetString(6), _dialect.ReadTime(r, 7)));

    /// <summary>
    /// Moves every offset of the batch. PostgreSQL gets them in one round trip (a <see cref="DbBatch"/>); SQLite, which
    /// has no batches and no round trips, one statement after the other.
    /// </summary>
    private async Task<List<(OffsetConflict Conflict, object? StoredBatch)>> CompareAndSetOffsetsAsync(
        DbTransaction transaction, BatchPlan plan, object batchId, CancellationToken ct)
    {
        if (plan.Offsets.Length == 0)
        {
            return [];
        }

        var connection = transaction.Connection!;
        var missed = new List<OffsetCommit>();
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var offset in plan.Offsets)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = offset.ExpectedOffset is null ? _insertOffset : _updateOffset;
                AddOffsetParameters(command.Parameters, plan, offset, batchId);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(ct);
            for (var i = 0; i < plan.Offsets.Length; i++)
            {
                if (batch.BatchCommands[i].RecordsAffected != 1)
                {
                    missed.Add(plan.Offsets[i]);
                }
            }
        }
        else
        {
            foreach (var offset in plan.Offsets)
            {
                await using var command = Command(connection, transaction, offset.ExpectedOffset is null ? _insertOffset : _updateOffset);
                AddOffsetParameters(command.Parameters, plan, offset, batchId);
                if (await command.ExecuteNonQueryAsync(ct) != 1)
                {
                    missed.Add(offset);
                }
            }
        }

        if (missed.Count == 0)
        {
            return [];
        }

        var stored = await StoredOffsetsAsync(connection, transaction, plan.KafkaCluster, plan.ConsumerGroup, [.. missed.Select(o => o.Partition)], ct);
        return [.. missed.Select(o => stored.TryGetValue(o.Partition, out var s)
            ? (new OffsetConflict(o.Partition, o.ExpectedOffset, s.Offset), s.Batch)
            : (new OffsetConflict(o.Partition, o.ExpectedOffset, null), (object?)null))];
    }

    private void AddOffsetParameters(DbParameterCollection parameters, BatchPlan plan, OffsetCommit offset, object batchId)
    {
        parameters.Add(_dialect.Parameter(1, plan.KafkaCluster));
        parameters.Add(_dialect.Parameter(2, plan.ConsumerGroup));
        parameters.Add(_dialect.Parameter(3, offset.Partition.Topic));
        parameters.Add(_dialect.Parameter(4, offset.Partition.Partition));
        parameters.Add(_dialect.Parameter(5, offset.NextOffset));
        parameters.Add(_dialect.Parameter(6, batchId));
        if (offset.ExpectedOffset is { } expected)
        {
            parameters.Add(_dialect.Parameter(7, expected));
        }
    }

    private async Task<Dictionary<StoredPartition, (long Offset, object Batch)>> StoredOffsetsAsync(
        DbConnection connection, DbTransaction? transaction, string kafkaCluster, string consumerGroup, IReadOnlyCollection<StoredPartition> partitions,
        CancellationToken ct)
    {
        await using var command = Command(connection, transaction, _offsets, kafkaCluster, consumerGroup,
            _dialect.TextList([.. partitions.Select(p => p.Topic)]), _dialect.IntegerList([.. partitions.Select(p => p.Partition)]));
        var stored = new Dictionary<StoredPartition, (long, object)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stored[new StoredPartition(reader.GetString(0), reader.GetInt32(1))] = (reader.GetInt64(2), reader.GetValue(3));
        }

        return stored;
    }

    private async Task<IReadOnlySet<string>> StoredIdsAsync(DbTransaction transaction, BatchPlan plan, CancellationToken ct)
    {
        var stored = new HashSet<string>(StringComparer.Ordinal);
        if (plan.Candidates.Length == 0)
        {
            return stored;
        }

        await using var command = Command(transaction.Connection!, transaction, _storedIds,
            _dialect.TextList([.. plan.Candidates.Select(c => c.Transaction.TransactionId)]));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stored.Add(reader.GetString(0));
        }

        return stored;
    }

    private Task<IReadOnlyList<T>> QueryAsync<T>(
        string operation, string sql, object[] values, Func<DbDataReader, T> read, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync<IReadOnlyList<T>>(operation, async (_, ct) =>
        {
            await using var connection = await _dialect.OpenAsync(ct);
            await using var command = Command(connection, null, sql, values);
            var results = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                results.Add(read(reader));
            }

            return results;
        }, cancellationToken);

    private ScoredTransaction ReadScored(DbDataReader reader) => Rows.Read(reader, _dialect);

    private async Task ExecuteAsync(DbTransaction transaction, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = Command(transaction.Connection!, transaction, sql, values);
        await command.ExecuteNonQueryAsync(ct);
    }

    private DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params object[] values)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(_dialect.Parameter(i + 1, values[i]));
        }

        return command;
    }
}
