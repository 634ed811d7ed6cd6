using System.Data.Common;

namespace AkkaFraud.Storage.Internal;

/// <summary>
/// What PostgreSQL and SQLite really do differently; <see cref="SqlFraudStore"/> is everything else. Statements use
/// <c>$1, $2, ...</c> in both (Npgsql's positional parameters; SQLite names them <c>$1</c>, <c>$2</c>).
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    public abstract StoreProvider Provider { get; }

    /// <summary>The schema, as migrations in version order.</summary>
    public abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>SQL for "now" in the store's time representation.</summary>
    public abstract string Now { get; }

    /// <summary>SQL condition for a flagged row, spelled as the partial alert indexes are (so the planner uses them).</summary>
    public string IsFlagged => SchemaTypes.Flagged;

    /// <summary>SQL function giving the larger of two values.</summary>
    public abstract string Greatest { get; }

    /// <summary>The type names the shared schema is rendered with.</summary>
    public abstract SchemaTypes SchemaTypes { get; }

    /// <summary>SQL that makes a column a member of the list parameter (a value of <see cref="TextList"/>).</summary>
    public abstract string InList(string parameter);

    /// <summary>SQL FROM item <c>p(topic, kafka_partition)</c> pairing a <see cref="TextList"/> and an <see cref="IntegerList"/> parameter.</summary>
    public abstract string PartitionList(string topics, string partitions);

    /// <summary>
    /// SQL selecting <see cref="Rows.Columns"/> of the transactions after an offset per account ($1 account ids, a
    /// <see cref="TextList"/>; $2 offsets, a <see cref="BigintList"/>) read from the Kafka cluster $3, ordered by
    /// account and offset.
    /// </summary>
    public abstract string RowsAfterOffsets { get; }

    /// <summary>SQL condition "a reason of the row has this rule id", its parameter made with <paramref name="parameter"/>.</summary>
    public abstract string HasRule(string ruleId, Func<object, string> parameter);

    public abstract DbParameter Parameter(int position, object value);

    public abstract object Time(DateTimeOffset time);

    public abstract object BatchId(Guid batchId);

    public abstract object TextList(string[] values);

    public abstract object IntegerList(int[] values);

    public abstract object BigintList(long[] values);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public abstract decimal ReadAmount(DbDataReader reader, int ordinal);

    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>A write transaction that serialises with other writers the dialect's way.</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>A transaction that holds off every other node's migration until it ends.</summary>
    public abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct);

    public abstract bool IsTransient(Exception exception);

    /// <summary>Called before a transient failure is retried.</summary>
    public virtual void OnTransient(Exception exception)
    {
    }

    /// <summary>
    /// Inserts all <paramref name="rows"/>, read from the Kafka cluster <paramref name="kafkaCluster"/>, at once and returns true, or returns false having inserted none when one of
    /// their ids is already stored (or when the dialect has nothing cheaper than looking the ids up first).
    /// </summary>
    public abstract Task<bool> TryInsertAllAsync(DbTransaction transaction, string kafkaCluster, ScoredTransaction[] rows, CancellationToken ct);

    /// <summary>Inserts rows none of whose ids is stored.</summary>
    public abstract Task InsertTransactionsAsync(DbTransaction transaction, string kafkaCluster, ScoredTransaction[] rows, CancellationToken ct);

    /// <summary>Inserts the dead letters not stored yet; returns the receive times of those it inserted.</summary>
    public abstract Task<List<DateTimeOffset>> InsertDeadLettersAsync(DbTransaction transaction, string kafkaCluster, DeadLetterRecord[] letters, CancellationToken ct);

    public abstract Task UpsertCheckpointsAndRollupsAsync(
        DbTransaction transaction, string kafkaCluster, AccountCheckpoint[] checkpoints, RollupDelta[] rollups, CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}
