using System.Collections.Immutable;
using AkkaFraud.Domain;

namespace AkkaFraud.Storage.Tests;

/// <summary>Builders for scored transactions and batches; every test names what it varies.</summary>
internal static class TestData
{
    public const string Topic = "transactions";
    public const string Group = "fraud-scorer";

    /// <summary>The Kafka cluster the test batches come from.</summary>
    public const string Cluster = "test-kafka-cluster";

    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly Reason Velocity = new("velocity-1m", RuleKind.Velocity, 7, 5, 40, "7 transactions in 60 s > limit 5");
    public static readonly Reason Large = new("large-amount", RuleKind.Threshold, 9500.25m, 9000, 60, "amount 9500.25 > limit 9000");

    public static StoredPartition P(int partition) => new(Topic, partition);

    public static ScoredTransaction Scored(
        string id,
        string account = "acct-1",
        DateTimeOffset? at = null,
        decimal amount = 12.5m,
        Decision decision = Decision.Approve,
        ImmutableArray<Reason>? reasons = null,
        int partition = 0,
        long offset = 0,
        string? merchantName = "Corner Shop")
    {
        var time = at ?? T0;
        var transaction = new Transaction
        {
            TransactionId = id,
            AccountId = account,
            EventTime = time,
            Amount = amount,
            Currency = "EUR",
            Type = TransactionType.Purchase,
            Channel = Channel.Pos,
            MerchantId = "m-1",
            MerchantName = merchantName,
            MerchantCategory = "5411",
            CounterpartyId = null,
            Country = "DE",
            Latitude = 52.520008,
            Longitude = 13.404954,
            DeviceId = "dev-1",
            // An overdraft: the stores keep the sign and all four decimals.
            BalanceBefore = 120.5001m,
            BalanceAfter = 120.5001m - amount,
        };
        var why = reasons ?? (decision == Decision.Approve ? [] : [Velocity]);
        var verdict = new Verdict
        {
            TransactionId = id,
            AccountId = account,
            Score = why.Sum(r => r.Weight),
            Decision = decision,
            Reasons = why,
            RuleSetVersion = 3,
        };
        return new ScoredTransaction(transaction, verdict, partition, offset, time.AddMilliseconds(40), time.AddMilliseconds(45));
    }

    /// <summary>Rows with ids <c>{prefix}-{i}</c> one second apart from <paramref name="start"/>, offsets from <paramref name="firstOffset"/>.</summary>
    public static ScoredTransaction[] Many(string prefix, int count, int partition = 0, long firstOffset = 0, DateTimeOffset? start = null) =>
        [.. Enumerable.Range(0, count).Select(i => Scored(
            $"{prefix}-{i}",
            account: $"{prefix}-acct-{i % 7}",
            at: (start ?? T0).AddSeconds(i),
            amount: 10m + i + 0.0001m,
            partition: partition,
            offset: firstOffset + i))];

    public static StoreBatch Batch(IEnumerable<ScoredTransaction> rows, params OffsetCommit[] offsets) =>
        new() { KafkaCluster = Cluster, ConsumerGroup = Group, Transactions = [.. rows], Offsets = offsets };

    public static DeadLetterRecord Letter(long offset, byte[]? payload = null, string detail = "expected a JSON object", int partition = 0) =>
        new(Topic, partition, offset, payload ?? "not json"u8.ToArray(), "malformed_json", detail, T0.AddSeconds(offset));
}
