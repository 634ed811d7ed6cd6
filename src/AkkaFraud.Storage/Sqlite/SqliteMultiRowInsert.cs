using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace AkkaFraud.Storage.Sqlite;

/// <summary>
/// A prepared <c>INSERT ... VALUES (...), (...), ...</c> of up to <see cref="_rowsPerStatement"/> rows, reused for every
/// full chunk of a batch (a second statement takes the remainder). Values are bound as parameters, never spliced.
/// With <paramref name="batchValueFirst"/>, every row starts with one value the whole batch shares (its Kafka cluster),
/// bound once.
/// </summary>
internal sealed class SqliteMultiRowInsert<T>(
    string head, int columns, string tail, int rowsPerStatement, Action<T, SqliteParameterCollection, int> bind, bool batchValueFirst = false)
{
    private const string BatchValue = "$batch";

    private readonly int _rowsPerStatement = rowsPerStatement;

    /// <summary>
    /// Inserts <paramref name="rows"/>; <paramref name="onReturned"/> reads each row a RETURNING tail yields;
    /// <paramref name="batchValue"/> is the value every row starts with, when the insert was made with one.
    /// </summary>
    public async Task ExecuteAsync(
        SqliteTransaction transaction, IReadOnlyList<T> rows, Action<SqliteDataReader>? onReturned, CancellationToken ct, object? batchValue = null)
    {
        if (batchValueFirst != (batchValue is not null))
        {
            throw new ArgumentException(batchValueFirst ? "this insert needs the batch's value" : "this insert takes no batch value", nameof(batchValue));
        }

        SqliteCommand? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += _rowsPerStatement)
            {
                var count = Math.Min(_rowsPerStatement, rows.Count - start);
                SqliteCommand command;
                if (count == _rowsPerStatement)
                {
                    command = full ??= Prepare(transaction, count);
                }
                else
                {
                    command = Prepare(transaction, count);
                }

                for (var i = 0; i < count; i++)
                {
                    bind(rows[start + i], command.Parameters, i * columns);
                }

                if (batchValue is not null)
                {
                    command.Parameters[BatchValue].Value = batchValue;
                }

                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        onReturned?.Invoke(reader);
                    }
                }

                if (command != full)
                {
                    await command.DisposeAsync();
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }
    }

    private SqliteCommand Prepare(SqliteTransaction transaction, int rowCount)
    {
        var sql = new StringBuilder(head).Append(" VALUES ");
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        for (var row = 0; row < rowCount; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            if (batchValueFirst)
            {
                sql.Append(BatchValue).Append(", ");
            }

            for (var column = 0; column < columns; column++)
            {
                var name = "$" + ((row * columns) + column).ToString(CultureInfo.InvariantCulture);
                sql.Append(column == 0 ? "" : ", ").Append(name);
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            sql.Append(')');
        }

        if (batchValueFirst)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = BatchValue });
        }

        command.CommandText = sql.Append(' ').Append(tail).ToString();
        command.Prepare();
        return command;
    }
}
