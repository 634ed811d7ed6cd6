using System.Buffers;
using System.Globalization;
using System.Text;
using AkkaFraud.Domain;

namespace AkkaFraud.Storage.Internal;

/// <summary>
/// A validated batch in the order both stores write it: offsets sorted by partition (so concurrent writers lock rows in
/// one order and cannot deadlock), transactions and dead letters without in-batch repeats, one checkpoint per account.
/// Built once per <see cref="IPipelineStore.WriteBatchAsync"/>; every retry reuses it.
/// </summary>
internal sealed class BatchPlan
{
    /// <summary>Largest absolute amount stored (PostgreSQL numeric(18,4); SQLite keeps 1/10000 units in a 64-bit integer).</summary>
    public const decimal MaxAmount = 99_999_999_999_999.9999m;

    private BatchPlan(
        string kafkaCluster,
        string consumerGroup,
        ScoredTransaction[] candidates,
        int repeatedTransactions,
        DeadLetterRecord[] deadLetters,
        int repeatedDeadLetters,
        AccountCheckpoint[] checkpoints,
        OffsetCommit[] offsets)
    {
        KafkaCluster = kafkaCluster;
        ConsumerGroup = consumerGroup;
        Candidates = candidates;
        RepeatedTransactions = repeatedTransactions;
        DeadLetters = deadLetters;
        RepeatedDeadLetters = repeatedDeadLetters;
        Checkpoints = checkpoints;
        Offsets = offsets;
    }

    public string KafkaCluster { get; }

    public string ConsumerGroup { get; }

    /// <summary>
    /// The batch's transactions, each id once (first occurrence wins), ordered by account. Row order means nothing to
    /// readers, but the account index does: inserting its keys in order sweeps the index once per batch instead of
    /// landing on a random page per row (PostgreSQL server time of the COPY measured 18 % lower with 5k-row batches
    /// over 100k accounts), and an account's rows of one batch share heap pages, which its history query reads.
    /// </summary>
    public ScoredTransaction[] Candidates { get; }

    public int RepeatedTransactions { get; }
    public DeadLetterRecord[] DeadLetters { get; }
    public int RepeatedDeadLetters { get; }
    public AccountCheckpoint[] Checkpoints { get; }
    public OffsetCommit[] Offsets { get; }

    public static BatchPlan Create(StoreBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (string.IsNullOrEmpty(batch.ConsumerGroup))
        {
            throw new ArgumentException("the batch names no consumer group", nameof(batch));
        }

        CheckText(batch.ConsumerGroup, "consumer group");
        CheckKafkaCluster(batch.KafkaCluster);

        var ids = new HashSet<string>(batch.Transactions.Count, StringComparer.Ordinal);
        var candidates = new List<ScoredTransaction>(batch.Transactions.Count);
        foreach (var row in batch.Transactions)
        {
            Check(row);
            if (ids.Add(row.Transaction.TransactionId))
            {
                candidates.Add(row);
            }
        }

        var letterKeys = new HashSet<(string, int, long)>();
        var letters = new List<DeadLetterRecord>(batch.DeadLetters.Count);
        foreach (var letter in batch.DeadLetters)
        {
            Check(letter);
            if (letterKeys.Add((letter.Topic, letter.KafkaPartition, letter.KafkaOffset)))
            {
                letters.Add(letter);
            }
        }

        var checkpoints = new Dictionary<string, AccountCheckpoint>(StringComparer.Ordinal);
        foreach (var checkpoint in batch.Checkpoints)
        {
            Check(checkpoint);
            checkpoints[checkpoint.AccountId] = checkpoint;
        }

        var partitions = new HashSet<StoredPartition>();
        foreach (var offset in batch.Offsets)
        {
            Check(offset);
            if (!partitions.Add(offset.Partition))
            {
                throw new ArgumentException($"the batch commits {offset.Partition} twice", nameof(batch));
            }
        }

        return new BatchPlan(
            batch.KafkaCluster,
            batch.ConsumerGroup,
            [.. candidates.OrderBy(c => c.Transaction.AccountId, StringComparer.Ordinal)],
            batch.Transactions.Count - candidates.Count,
            [.. letters],
            batch.DeadLetters.Count - letters.Count,
            [.. checkpoints.Values.OrderBy(c => c.AccountId, StringComparer.Ordinal)],
            [.. batch.Offsets.OrderBy(o => o.Partition.Topic, StringComparer.Ordinal).ThenBy(o => o.Partition.Partition)]);
    }

    /// <summary>The candidates whose id is not in <paramref name="stored"/>: what this attempt inserts.</summary>
    public ScoredTransaction[] Without(IReadOnlySet<string> stored) =>
        stored.Count == 0 ? Candidates : [.. Candidates.Where(c => !stored.Contains(c.Transaction.TransactionId))];

    /// <summary>What the inserted rows add to each minute, oldest minute first (one lock order for every writer).</summary>
    public static RollupDelta[] Rollups(IReadOnlyList<ScoredTransaction> inserted, IEnumerable<DateTimeOffset> insertedDeadLetterTimes)
    {
        var minutes = new SortedDictionary<long, RollupDelta>();
        foreach (var row in inserted)
        {
            var minute = MinuteTicks(row.Transaction.EventTime);
            minutes.TryGetValue(minute, out var delta);
            var amount = row.Transaction.Amount;
            var flagged = row.Verdict.Flagged;
            minutes[minute] = delta with
            {
                Transactions = delta.Transactions + 1,
                Flagged = delta.Flagged + (flagged ? 1 : 0),
                Blocked = delta.Blocked + (row.Verdict.Decision == Decision.Block ? 1 : 0),
                Amount = delta.Amount + amount,
                FlaggedAmount = delta.FlaggedAmount + (flagged ? amount : 0),
            };
        }

        foreach (var time in insertedDeadLetterTimes)
        {
            var minute = MinuteTicks(time);
            minutes.TryGetValue(minute, out var delta);
            minutes[minute] = delta with { DeadLetters = delta.DeadLetters + 1 };
        }

        return [.. minutes.Select(m => m.Value with { Minute = new DateTime(m.Key, DateTimeKind.Utc) })];
    }

    /// <summary>Times are stored to the microsecond (PostgreSQL's precision); SQLite gets the same truncation.</summary>
    public static DateTime Utc(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    public static long UnixMicros(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTimeOffset FromUnixMicros(long micros) => new(DateTime.UnixEpoch.Ticks + (micros * 10), TimeSpan.Zero);

    private static long MinuteTicks(DateTimeOffset time) => time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute);

    private static void Check(ScoredTransaction row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var t = row.Transaction ?? throw new ArgumentException("a scored transaction without its transaction");
        var v = row.Verdict ?? throw new ArgumentException($"transaction {t.TransactionId} has no verdict");
        if (v.TransactionId != t.TransactionId || v.AccountId != t.AccountId)
        {
            throw new ArgumentException($"transaction {t.TransactionId} carries the verdict of {v.TransactionId} ({v.AccountId})");
        }

        if (decimal.Round(t.Amount, 4) != t.Amount || Math.Abs(t.Amount) > MaxAmount)
        {
            throw new ArgumentException(
                $"transaction {t.TransactionId} has amount {t.Amount.ToString(CultureInfo.InvariantCulture)}: " +
                $"at most 4 decimals and {MaxAmount.ToString(CultureInfo.InvariantCulture)} are stored");
        }

        foreach (var balance in new[] { t.BalanceBefore, t.BalanceAfter })
        {
            if (balance is { } b && (decimal.Round(b, 4) != b || Math.Abs(b) > MaxAmount))
            {
                throw new ArgumentException(
                    $"transaction {t.TransactionId} has balance {b.ToString(CultureInfo.InvariantCulture)}: " +
                    $"at most 4 decimals and ±{MaxAmount.ToString(CultureInfo.InvariantCulture)} are stored");
            }
        }

        if (v.Reasons.IsDefault)
        {
            throw new ArgumentException($"the verdict of {t.TransactionId} has default (uninitialised) reasons");
        }

        if (row.KafkaPartition < 0 || row.KafkaOffset < 0)
        {
            throw new ArgumentException($"transaction {t.TransactionId} has a negative partition or offset");
        }

        CheckText(t.TransactionId, "transaction id");
        CheckText(t.AccountId, "account id");
        CheckText(t.Currency, "currency");
        CheckText(t.Country, "country");
        CheckText(t.MerchantId, "merchant id");
        CheckText(t.MerchantName, "merchant name");
        CheckText(t.MerchantCategory, "merchant category");
        CheckText(t.CounterpartyId, "counterparty id");
        CheckText(t.DeviceId, "device id");
        foreach (var reason in v.Reasons)
        {
            CheckText(reason.RuleId, "rule id");
            CheckText(reason.Message, "reason message");
        }
    }

    private static void Check(DeadLetterRecord letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        if (string.IsNullOrEmpty(letter.Topic) || letter.KafkaPartition < 0 || letter.KafkaOffset < 0)
        {
            throw new ArgumentException($"dead letter at {letter.Topic}[{letter.KafkaPartition}]@{letter.KafkaOffset} has no valid Kafka coordinates");
        }

        if (string.IsNullOrEmpty(letter.ReasonCode) || letter.Detail is null)
        {
            throw new ArgumentException($"dead letter at {letter.Topic}[{letter.KafkaPartition}]@{letter.KafkaOffset} has no reason code or detail");
        }

        CheckText(letter.Topic, "topic");
        CheckText(letter.ReasonCode, "reason code");
        CheckText(letter.Detail, "dead letter detail");
    }

    private static void Check(AccountCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (string.IsNullOrEmpty(checkpoint.AccountId) || checkpoint.KafkaPartition < 0 || checkpoint.AsOfOffset < 0)
        {
            throw new ArgumentException($"checkpoint of '{checkpoint.AccountId}' has no account, or a negative partition or offset");
        }

        CheckText(checkpoint.AccountId, "account id");
    }

    private static void Check(OffsetCommit offset)
    {
        ArgumentNullException.ThrowIfNull(offset);
        if (string.IsNullOrEmpty(offset.Partition.Topic) || offset.Partition.Partition < 0)
        {
            throw new ArgumentException($"offset commit for {offset.Partition} names no valid partition");
        }

        if (offset.NextOffset < 0 || offset.ExpectedOffset < 0 || offset.NextOffset < offset.ExpectedOffset)
        {
            throw new ArgumentException(
                $"offset commit for {offset.Partition} moves from {offset.ExpectedOffset} to {offset.NextOffset}: offsets only move forward");
        }

        CheckText(offset.Partition.Topic, "topic");
    }

    /// <summary>
    /// Text both databases store exactly: no NUL (PostgreSQL text cannot hold it) and well-formed UTF-16 (a lone
    /// surrogate has no UTF-8 form). Everything else, HTML, quotes, emoji, any length, is stored as given.
    /// </summary>
    /// <summary>A Kafka cluster id to write under: not empty ('' names the rows of before clusters were told apart).</summary>
    public static void CheckKafkaCluster(string? kafkaCluster)
    {
        if (string.IsNullOrEmpty(kafkaCluster))
        {
            throw new ArgumentException("no Kafka cluster id given: offsets and records are stored under the id of the cluster they come from");
        }

        CheckText(kafkaCluster, "Kafka cluster id");
    }

    public static void CheckText(string? value, string what)
    {
        if (value is null)
        {
            return;
        }

        var span = value.AsSpan();
        if (span.Contains('\0'))
        {
            throw new ArgumentException($"{what} contains a NUL character, which cannot be stored");
        }

        if (span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return;
        }

        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out _, out var consumed) != OperationStatus.Done)
            {
                throw new ArgumentException($"{what} is not well-formed UTF-16 (a lone surrogate)");
            }

            span = span[consumed..];
        }
    }
}

/// <summary>What one batch adds to one minute's rollup.</summary>
internal readonly record struct RollupDelta(
    DateTime Minute, long Transactions, long Flagged, long Blocked, decimal Amount, decimal FlaggedAmount, long DeadLetters);
