using System.Text;
using AkkaFraud.Domain;
using AkkaFraud.Simulator;
using AkkaFraud.Storage;
using Confluent.Kafka;

namespace AkkaFraud.Cluster.Tests.Support;

/// <summary>
/// What the warehouse must hold after the pipeline consumed <see cref="Records"/>: the pure engine's replay of the
/// same records in the same per-account order (the order they were produced in, which Kafka keeps per key), and
/// every invalid record once, as a dead letter with the parser's reason.
/// </summary>
internal sealed class Oracle
{
    private Oracle(IReadOnlyList<SimulatedRecord> records, Dictionary<string, List<(Transaction Transaction, Verdict Verdict)>> byAccount, List<(string Code, string Payload)> deadLetters)
    {
        Records = records;
        ByAccount = byAccount;
        DeadLetters = deadLetters;
    }

    public IReadOnlyList<SimulatedRecord> Records { get; }

    /// <summary>Per account, its first-seen transactions with their verdicts (a re-sent id is stored once, as first scored).</summary>
    public Dictionary<string, List<(Transaction Transaction, Verdict Verdict)>> ByAccount { get; }

    public List<(string Code, string Payload)> DeadLetters { get; }

    public int Transactions => ByAccount.Values.Sum(v => v.Count);

    public static IReadOnlyList<SimulatedRecord> Generate(int count, int seed, int accounts, double invalidShare = 0.01) =>
        [.. new TrafficSimulator(new SimulatorOptions
        {
            Seed = seed,
            Accounts = accounts,
            Merchants = 500,
            EventsPerSecond = accounts * 12.0 / 86_400, // a dozen transactions per account per day: customers, not bots
            FraudShare = 0.01,
            InvalidShare = invalidShare,
        }).Records().Take(count)];

    public static Oracle For(IReadOnlyList<SimulatedRecord> records, RuleSet ruleSet)
    {
        var valid = new List<Transaction>();
        var deadLetters = new List<(string, string)>();
        foreach (var record in records)
        {
            var parsed = TransactionParser.Parse(record.Value, record.Timestamp);
            if (parsed.Transaction is { } transaction)
            {
                valid.Add(transaction);
            }
            else
            {
                deadLetters.Add((parsed.Rejection!.ReasonCode, Convert.ToBase64String(record.Value)));
            }
        }

        var verdicts = RuleEngine.Replay(valid, ruleSet);
        var byAccount = new Dictionary<string, List<(Transaction, Verdict)>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < valid.Count; i++)
        {
            if (!seen.Add(valid[i].TransactionId))
            {
                continue;
            }

            if (!byAccount.TryGetValue(valid[i].AccountId, out var list))
            {
                byAccount[valid[i].AccountId] = list = [];
            }

            list.Add((valid[i], verdicts[i]));
        }

        return new Oracle(records, byAccount, deadLetters);
    }

    /// <summary>Produces the records in order, each with its own timestamp (the parser's reference time).</summary>
    public static async Task ProduceAsync(string bootstrapServers, string topic, IEnumerable<SimulatedRecord> records, CancellationToken cancellationToken = default)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = 5,
        }).Build();
        var failures = 0;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[], byte[]>
                    {
                        Key = Encoding.UTF8.GetBytes(record.Key),
                        Value = record.Value,
                        Timestamp = new Timestamp(record.Timestamp),
                    }, report =>
                    {
                        if (report.Error.IsError)
                        {
                            Interlocked.Increment(ref failures);
                        }
                    });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        await Task.Run(() => producer.Flush(cancellationToken), cancellationToken);
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} records could not be produced");
        }
    }

    /// <summary>Produces <paramref name="count"/> valid transactions of fresh accounts into one partition.</summary>
    public static async Task ProduceToPartitionAsync(string bootstrapServers, string topic, int partition, int count)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers, EnableIdempotence = true }).Build();
        var start = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var transaction = new Transaction
            {
                TransactionId = $"late-{Guid.NewGuid():N}",
                AccountId = $"late-account-{i}",
                EventTime = start.AddSeconds(i),
                Amount = 10,
                Currency = "EUR",
                Type = TransactionType.Purchase,
                Channel = Channel.Pos,
                Country = "DE",
            };
            await producer.ProduceAsync(new Confluent.Kafka.TopicPartition(topic, partition), new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(transaction.AccountId),
                Value = TransactionJson.Serialize(transaction),
                Timestamp = new Timestamp(transaction.EventTime),
            });
        }
    }

    /// <summary>Waits until the warehouse holds as many transactions and dead letters as expected (never more).</summary>
    public async Task WaitUntilStoredAsync(IFraudStore store, TimeSpan limit, Func<string>? progress = null, int extra = 0)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var totals = await store.GetTotalsAsync();
            if (totals.Transactions >= Transactions + extra && totals.DeadLetters >= DeadLetters.Count)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"After {limit.TotalSeconds} s the warehouse holds {totals.Transactions}/{Transactions + extra} transactions and {totals.DeadLetters}/{DeadLetters.Count} dead letters. {progress?.Invoke()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Asserts the warehouse equals the oracle: every transaction once with the replay's verdict, every dead letter once.</summary>
    public async Task AssertWarehouseMatchesAsync(IFraudStore store)
    {
        var totals = await store.GetTotalsAsync();
        Assert.Equal(Transactions, totals.Transactions);
        Assert.Equal(DeadLetters.Count, totals.DeadLetters);

        var mismatches = new List<string>();
        foreach (var (account, expected) in ByAccount)
        {
            var stored = (await store.GetAccountHistoryAsync(account, int.MaxValue)).ToDictionary(t => t.Transaction.TransactionId, StringComparer.Ordinal);
            if (stored.Count != expected.Count)
            {
                mismatches.Add($"{account}: {stored.Count} stored, {expected.Count} expected");
            }

            foreach (var (transaction, verdict) in expected)
            {
                if (!stored.TryGetValue(transaction.TransactionId, out var row))
                {
                    mismatches.Add($"{transaction.TransactionId}: missing");
                }
                else if (row.Transaction != transaction || row.Verdict != verdict)
                {
                    mismatches.Add($"{transaction.TransactionId}: stored score {row.Verdict.Score} [{string.Join("; ", row.Verdict.Reasons.Select(r => r.Message))}], oracle {verdict.Score} [{string.Join("; ", verdict.Reasons.Select(r => r.Message))}]");
                }
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} differences from the oracle, e.g.:\n{string.Join('\n', mismatches.Take(20))}");

        var storedDead = (await store.GetRecentDeadLettersAsync(int.MaxValue))
            .Select(d => (d.ReasonCode, Convert.ToBase64String(d.Payload.Span))).Order().ToList();
        Assert.Equal(DeadLetters.Order().ToList(), storedDead);
    }
}
