using System.Globalization;
using System.Text;
using AkkaFraud.Domain;
using AkkaFraud.Simulator;
using AkkaFraud.Storage;
using Confluent.Kafka;

namespace AkkaFraud.TestSupport;

/// <summary>
/// What the warehouse must hold after the pipeline consumed <see cref="Records"/>: the pure engine's replay of the
/// same records in the same per-account order (the order they were produced in, which Kafka keeps per key), and
/// every invalid record once, as a dead letter with the parser's reason. And what Kafka must hold: an alert for every
/// flagged verdict, a dead-letter record for every invalid record.
/// </summary>
public sealed class Oracle
{
    private Oracle(
        IReadOnlyList<SimulatedRecord> records,
        Dictionary<string, List<(Transaction Transaction, Verdict Verdict)>> byAccount,
        List<(string Code, string Payload)> deadLetters,
        Dictionary<string, (string AccountId, HashSet<string> Values)> alerts)
    {
        Records = records;
        ByAccount = byAccount;
        DeadLetters = deadLetters;
        Alerts = alerts;
    }

    public IReadOnlyList<SimulatedRecord> Records { get; }

    /// <summary>Per account, its first-seen transactions with their verdicts (a re-sent id is stored once, as first scored).</summary>
    public Dictionary<string, List<(Transaction Transaction, Verdict Verdict)>> ByAccount { get; }

    public List<(string Code, string Payload)> DeadLetters { get; }

    /// <summary>
    /// Per alert id (<c>alert:&lt;transactionId&gt;</c>), the account it is keyed by and the alert documents the pipeline
    /// may publish under it: one per flagged, not duplicate verdict of the replay (a re-send the engine no longer
    /// recognises is scored again, and its alert shares the id).
    /// </summary>
    public Dictionary<string, (string AccountId, HashSet<string> Values)> Alerts { get; }

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

    /// <summary>The oracle of <paramref name="records"/> and of <paramref name="hostile"/> ones produced besides them, each to become a dead letter.</summary>
    public static Oracle For(IReadOnlyList<SimulatedRecord> records, RuleSet ruleSet, IReadOnlyList<HostileRecord>? hostile = null) =>
        For(records, _ => ruleSet, hostile);

    /// <summary>The oracle of a run whose rules changed: each transaction scored with the rule set <paramref name="ruleSetOf"/> gives it.</summary>
    public static Oracle For(IReadOnlyList<SimulatedRecord> records, Func<Transaction, RuleSet> ruleSetOf, IReadOnlyList<HostileRecord>? hostile = null)
    {
        var valid = new List<Transaction>();
        var deadLetters = new List<(string, string)>();
        foreach (var record in hostile ?? [])
        {
            var rejection = TransactionParser.Parse(record.Value ?? [], DateTimeOffset.UtcNow).Rejection
                ?? throw new ArgumentException($"the hostile record '{record.Description}' is a valid transaction", nameof(hostile));
            if (rejection.Code != record.ExpectedCode)
            {
                throw new ArgumentException($"the hostile record '{record.Description}' is rejected as {rejection.ReasonCode} ({rejection.Detail}), not {record.ExpectedCode.ToCode()}", nameof(hostile));
            }

            deadLetters.Add((rejection.ReasonCode, Convert.ToBase64String(record.Value ?? [])));
        }

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

        var verdicts = RuleEngine.Replay(valid, ruleSetOf);
        var alerts = new Dictionary<string, (string, HashSet<string>)>(StringComparer.Ordinal);
        for (var i = 0; i < valid.Count; i++)
        {
            if (verdicts[i].Flagged && !verdicts[i].IsDuplicate)
            {
                var alert = new FraudAlert(valid[i], verdicts[i]);
                if (!alerts.TryGetValue(alert.AlertId, out var expected))
                {
                    alerts[alert.AlertId] = expected = (valid[i].AccountId, new HashSet<string>(StringComparer.Ordinal));
                }

                expected.Item2.Add(Encoding.UTF8.GetString(alert.ToJson()));
            }
        }

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

        return new Oracle(records, byAccount, deadLetters, alerts);
    }

    /// <summary>The records at a steady rate, so that a fault lands while they are still arriving.</summary>
    public static IEnumerable<SimulatedRecord> Paced(IEnumerable<SimulatedRecord> records, int perSecond)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var count = 0;
        foreach (var record in records)
        {
            var due = TimeSpan.FromSeconds(++count / (double)perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                Thread.Sleep(due);
            }

            yield return record;
        }
    }

    /// <summary>
    /// Produces the records in order, each with its own timestamp (the parser's reference time). When
    /// <paramref name="headersEvery"/> is above 0, every n-th record carries <see cref="HostileRecords.GarbageHeaders"/>,
    /// which must not change how it is scored.
    /// </summary>
    public static async Task ProduceAsync(string bootstrapServers, string topic, IEnumerable<SimulatedRecord> records, int headersEvery = 0, CancellationToken cancellationToken = default)
    {
        var count = 0;
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
            var headers = headersEvery > 0 && ++count % headersEvery == 0 ? HostileRecords.GarbageHeaders() : null;
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[], byte[]>
                    {
                        Key = Encoding.UTF8.GetBytes(record.Key),
                        Value = record.Value,
                        Timestamp = new Timestamp(record.Timestamp),
                        Headers = headers,
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

    /// <summary>
    /// Asserts the warehouse equals the oracle: every transaction once with the replay's verdict, every dead letter once;
    /// and <paramref name="extra"/> transactions besides, which a test produced outside the oracle's records.
    /// </summary>
    public async Task AssertWarehouseMatchesAsync(IFraudStore store, int extra = 0)
    {
        var totals = await store.GetTotalsAsync();
        Assert.Equal(Transactions + extra, totals.Transactions);
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

        var storedDead = (await store.AllDeadLettersAsync())
            .Select(d => (d.ReasonCode, Convert.ToBase64String(d.Payload.Span))).Order().ToList();
        Assert.Equal(DeadLetters.Order().ToList(), storedDead);
    }
    /// <summary>
    /// Asserts what the pipeline published to Kafka. Alerts: every flagged verdict has one, keyed by its account, with
    /// the <c>alert-id</c> header and the alert document; copies only under the same id; none for an unflagged or unknown
    /// transaction. Dead letters: each invalid record has one, its payload the source record byte for byte, its
    /// <c>source-topic</c>, <c>source-partition</c> and <c>source-offset</c> headers pointing at that record, its
    /// <c>reason-code</c> and <c>reason-detail</c> the parser's, all equal to the warehouse's dead letter of that record
    /// (<paramref name="stored"/>); copies only of the same record. A source record lost to retention is known by the
    /// warehouse's copy alone.
    /// </summary>
    public void AssertKafkaOutputsMatch(
        IReadOnlyList<DeadLetterRecord> stored,
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> alerts,
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> deadLetters,
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> transactions,
        string transactionsTopic)
    {
        var problems = new List<string>();
        var alertIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in alerts)
        {
            var id = Header(record, "alert-id");
            var value = record.Message.Value is null ? null : Encoding.UTF8.GetString(record.Message.Value);
            if (id is null || !Alerts.TryGetValue(id, out var expected))
            {
                problems.Add($"alert {id ?? "without an alert-id"} at {record.TopicPartitionOffset}: no flagged verdict of that transaction");
                continue;
            }

            alertIds.Add(id);
            var key = record.Message.Key is null ? null : Encoding.UTF8.GetString(record.Message.Key);
            if (key != expected.AccountId)
            {
                problems.Add($"alert {id}: key {key}, expected the account {expected.AccountId}");
            }

            if (value is null || !expected.Values.Contains(value))
            {
                problems.Add($"alert {id}: published {value}, expected {string.Join(" or ", expected.Values)}");
            }
        }

        problems.AddRange(Alerts.Keys.Where(id => !alertIds.Contains(id)).Select(id => $"alert {id}: never published"));

        var sources = transactions.ToDictionary(r => (r.Partition.Value, r.Offset.Value));
        var storedAt = stored.ToDictionary(d => (d.KafkaPartition, d.KafkaOffset));
        var published = new Dictionary<(int, long), (string Code, string Payload)>();
        foreach (var record in deadLetters)
        {
            var where = $"dead letter at {record.TopicPartitionOffset}";
            var topic = Header(record, "source-topic");
            var partition = int.TryParse(Header(record, "source-partition"), CultureInfo.InvariantCulture, out var p) ? p : -1;
            var offset = long.TryParse(Header(record, "source-offset"), CultureInfo.InvariantCulture, out var o) ? o : -1;
            if (topic != transactionsTopic || !storedAt.TryGetValue((partition, offset), out var dead))
            {
                problems.Add($"{where}: its source headers ({topic}, {Header(record, "source-partition")}, {Header(record, "source-offset")}) name no dead letter of {transactionsTopic}");
                continue;
            }

            var payload = record.Message.Value ?? [];
            var parsed = sources.TryGetValue((partition, offset), out var source)
                ? (ParseResult?)TransactionParser.Parse(source.Message.Value ?? [], source.Message.Timestamp.UtcDateTime)
                : null;
            if (parsed is { Rejection: null })
            {
                problems.Add($"{where}: its source {transactionsTopic}[{partition}]@{offset} is a valid transaction");
            }
            else if (Header(record, "reason-code") != dead.ReasonCode || Header(record, "reason-detail") != dead.Detail
                     || (parsed?.Rejection is { } rejection && (rejection.ReasonCode != dead.ReasonCode || rejection.Detail != dead.Detail)))
            {
                problems.Add($"{where}: reason {Header(record, "reason-code")} ({Header(record, "reason-detail")}), stored {dead.ReasonCode} ({dead.Detail}), the parser says {parsed?.Rejection?.ReasonCode} ({parsed?.Rejection?.Detail})");
            }
            else if (Header(record, "payload-truncated") == "true" ? !IsTruncatedCopy(record, dead.Payload.Span) : !payload.AsSpan().SequenceEqual(dead.Payload.Span))
            {
                problems.Add($"{where}: its payload ({payload.Length} bytes, truncated: {Header(record, "payload-truncated") ?? "no"}) is not the stored dead letter's ({dead.Payload.Length} bytes)");
            }
            else if (source is not null && !dead.Payload.Span.SequenceEqual(source.Message.Value))
            {
                problems.Add($"{where}: the stored dead letter's payload is not the source record's");
            }
            else if (record.Message.Key is not null)
            {
                problems.Add($"{where}: has a key");
            }
            else
            {
                published[(partition, offset)] = (dead.ReasonCode, Convert.ToBase64String(dead.Payload.Span));
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problems with the Kafka outputs, e.g.:\n{string.Join('\n', problems.Take(20))}");
        Assert.Equal(DeadLetters.Order().ToList(), published.Values.Order().ToList());
    }

    /// <summary>A dead letter too large for Kafka is published as its head, with the whole one's size and SHA-256.</summary>
    private static bool IsTruncatedCopy(ConsumeResult<byte[]?, byte[]?> record, ReadOnlySpan<byte> whole)
    {
        var head = record.Message.Value ?? [];
        return head.Length < whole.Length
               && whole.StartsWith(head)
               && Header(record, "payload-size") == whole.Length.ToString(CultureInfo.InvariantCulture)
               && Header(record, "payload-sha256") == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(whole));
    }

    private static string? Header(ConsumeResult<byte[]?, byte[]?> record, string key)
    {
        var values = record.Message.Headers?.Where(h => h.Key == key).Select(h => Encoding.UTF8.GetString(h.GetValueBytes())).ToList() ?? [];
        return values.Count == 1 ? values[0] : null;
    }
}
