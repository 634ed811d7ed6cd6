using System.Data.Common;
using System.Runtime.InteropServices;
using AkkaFraud.Domain;

namespace AkkaFraud.Storage.Internal;

/// <summary>The <c>transactions</c> columns in the one order both stores write and read them.</summary>
internal static class Rows
{
    public const string Columns =
        "transaction_id, account_id, event_time, amount, currency, type, channel, merchant_id, merchant_name, " +
        "merchant_category, counterparty_id, country, latitude, longitude, device_id, score, decision, is_flagged, " +
        "is_duplicate, reasons, rule_set_version, kafka_partition, kafka_offset, ingested_at, processed_at, " +
        "balance_before, balance_after";

    public const int ColumnCount = 27;

    /// <summary>An insert's columns: the batch's Kafka cluster, then <see cref="Columns"/>.</summary>
    public const string InsertColumns = "kafka_cluster, " + Columns;

    /// <summary>Rows grouped by account, each account's rows in the order given.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ScoredTransaction>> ByAccount(IEnumerable<ScoredTransaction> rows) =>
        rows.GroupBy(r => r.Transaction.AccountId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, IReadOnlyList<ScoredTransaction> (g) => g.ToArray(), StringComparer.Ordinal);

    /// <summary>Reads a row selected with <see cref="Columns"/>; times and amounts are read the dialect's way.</summary>
    public static ScoredTransaction Read(DbDataReader r, SqlDialect dialect)
    {
        var transaction = new Transaction
        {
            TransactionId = r.GetString(0),
            AccountId = r.GetString(1),
            EventTime = dialect.ReadTime(r, 2),
            Amount = dialect.ReadAmount(r, 3),
            Currency = r.GetString(4),
            Type = StoredNames.ParseType(r.GetString(5)),
            Channel = StoredNames.ParseChannel(r.GetString(6)),
            MerchantId = NullableString(r, 7),
            MerchantName = NullableString(r, 8),
            MerchantCategory = NullableString(r, 9),
            CounterpartyId = NullableString(r, 10),
            Country = r.GetString(11),
            Latitude = r.IsDBNull(12) ? null : r.GetDouble(12),
            Longitude = r.IsDBNull(13) ? null : r.GetDouble(13),
            DeviceId = NullableString(r, 14),
            BalanceBefore = r.IsDBNull(25) ? null : dialect.ReadAmount(r, 25),
            BalanceAfter = r.IsDBNull(26) ? null : dialect.ReadAmount(r, 26),
        };
        var verdict = new Verdict
        {
            TransactionId = transaction.TransactionId,
            AccountId = transaction.AccountId,
            Score = r.GetInt32(15),
            Decision = StoredNames.ParseDecision(r.GetString(16)),
            IsDuplicate = r.GetBoolean(18),
            Reasons = ReasonsJson.Deserialize(r.GetString(19)),
            RuleSetVersion = r.GetInt32(20),
        };
        return new ScoredTransaction(transaction, verdict, r.GetInt32(21), r.GetInt64(22), dialect.ReadTime(r, 23), dialect.ReadTime(r, 24));
    }

    public static string? NullableString(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    /// <summary>The bytes as an array, without a copy when the memory already is a whole array.</summary>
    public static byte[] Array(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    public static void Check(AlertQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AlertQuery.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"Limit must be 1 to {AlertQuery.MaxLimit}");
        }

        BatchPlan.CheckText(query.RuleId, "rule id");
        BatchPlan.CheckText(query.AccountId, "account id");
        BatchPlan.CheckText(query.After?.TransactionId, "cursor");
    }

    public static void Check(DeadLetterQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > DeadLetterQuery.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"Limit must be 1 to {DeadLetterQuery.MaxLimit}");
        }

        BatchPlan.CheckText(query.ReasonCode, "reason code");
        BatchPlan.CheckText(query.After?.Key.KafkaCluster, "cursor");
        BatchPlan.CheckText(query.After?.Key.Topic, "cursor");
    }

    public static void Check(IngestGap gap)
    {
        ArgumentNullException.ThrowIfNull(gap);
        if (string.IsNullOrEmpty(gap.Topic) || gap.Partition < 0 || gap.FirstMissingOffset < 0 || gap.NextAvailableOffset <= gap.FirstMissingOffset)
        {
            throw new ArgumentException(
                $"gap {gap.Topic}[{gap.Partition}] [{gap.FirstMissingOffset}, {gap.NextAvailableOffset}) is not a non-empty range of a partition",
                nameof(gap));
        }

        BatchPlan.CheckText(gap.Topic, "topic");
        BatchPlan.CheckKafkaCluster(gap.KafkaCluster);
    }

    /// <summary>
    /// A keyset page from a query that read one row more than <paramref name="limit"/>: the rows of the page, and its
    /// last row when more follow (the next page starts after it), else null.
    /// </summary>
    public static (IReadOnlyList<T> Items, T? Last) Page<T>(IReadOnlyList<T> rows, int limit)
        where T : class =>
        rows.Count <= limit ? (rows, null) : ([.. rows.Take(limit)], rows[limit - 1]);
}
