using System.Text;
using AkkaFraud.Domain;
using AkkaFraud.TestSupport;
using static AkkaFraud.Storage.Tests.TestData;

namespace AkkaFraud.Storage.Tests;

/// <summary>
/// What every <see cref="IFraudStore"/> guarantees. Each provider's subclass supplies fresh, isolated storage per test;
/// stores are created through <see cref="FraudStoreFactory"/>, as the node creates them.
/// </summary>
public abstract class FraudStoreContract
{
    protected abstract StoreProvider Provider { get; }

    /// <summary>Settings for storage no other test uses (empty: the factory migrates it).</summary>
    protected abstract Task<FraudStoreSettings> NewStorageAsync();

    /// <summary>The migration versions recorded in that storage.</summary>
    protected abstract Task<IReadOnlyList<int>> AppliedMigrationsAsync(FraudStoreSettings settings);

    private async Task<IFraudStore> NewStoreAsync() => await FraudStoreFactory.CreateAsync(await NewStorageAsync());

    [Fact]
    public async Task Migrations_are_applied_once_when_several_nodes_start_at_once()
    {
        var settings = await NewStorageAsync();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => FraudStoreFactory.CreateAsync(settings))));
        try
        {
            Assert.All(stores, s => Assert.Equal(Provider, s.Provider));
            Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], await AppliedMigrationsAsync(settings));
            Assert.IsType<BatchCommitted>(await stores[3].WriteBatchAsync(Batch([Scored("t-1")], new OffsetCommit(P(0), null, 1))));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        // A restart finds the schema current and the data in place.
        await using var reopened = await FraudStoreFactory.CreateAsync(settings);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], await AppliedMigrationsAsync(settings));
        Assert.Equal(Scored("t-1"), await reopened.GetTransactionAsync("t-1"));
    }

    [Fact]
    public async Task A_batch_round_trips_every_field_of_the_transaction_and_its_verdict()
    {
        await using var store = await NewStoreAsync();
        var full = Scored("t-full", decision: Decision.Block, reasons: [Velocity, Large], amount: 9500.2501m, partition: 3, offset: 77);
        var bare = Scored("t-bare", merchantName: null) with
        {
            Transaction = Scored("t-bare").Transaction with
            {
                Type = TransactionType.Deposit,
                Channel = Channel.Atm,
                MerchantId = null,
                MerchantName = null,
                MerchantCategory = null,
                CounterpartyId = null,
                Latitude = null,
                Longitude = null,
                DeviceId = null,
                BalanceBefore = null,
                BalanceAfter = null,
                EventTime = new DateTimeOffset(2026, 3, 1, 14, 0, 0, 123, TimeSpan.FromHours(2)),
            },
            Verdict = Scored("t-bare").Verdict with { IsDuplicate = true },
        };

        var result = await store.WriteBatchAsync(Batch([full, bare], new OffsetCommit(P(3), null, 78)));

        Assert.Equal(new BatchCommitted(2, 0, 0, 0), result);
        Assert.Equal(full, await store.GetTransactionAsync("t-full"));
        Assert.Equal(bare, await store.GetTransactionAsync("t-bare"));
        Assert.Equal([Velocity, Large], (await store.GetTransactionAsync("t-full"))!.Verdict.Reasons.AsEnumerable());
        Assert.Null(await store.GetTransactionAsync("t-missing"));
    }

    [Fact]
    public async Task Hostile_text_and_bytes_round_trip_exactly()
    {
        await using var store = await NewStoreAsync();
        string[] texts =
        [
            "'; DROP TABLE transactions; --",
            "<script>alert(\"x\")</script><img src=x onerror=alert(1)>",
            "\"double\" 'single' `back` \\ backslash \\\\ $1 @p0 ?",
            "Zürich Ωμέγα 東京 עברית مرحبا",
            "💳🚨 👨‍👩‍👧‍👦 🏳️‍🌈",
            "line\nbreak\ttab\r\nwindows",
            "%s %d {0} ${x} \u200B\u202Eevil",
            string.Concat(Enumerable.Repeat("long 💳 <b>text</b> ", 20_000)),
        ];
        var rows = texts.Select((text, i) => Scored($"t-hostile-{i}", account: text.Length > 64 ? "acct-long" : text, merchantName: text,
            decision: Decision.Review, reasons: [new Reason(text.Length > 200 ? "rule-long" : text, RuleKind.Velocity, 1, 0, 50, text)])).ToArray();
        var payload = Enumerable.Range(0, 256).Select(b => (byte)b).Concat(new byte[] { 0xC3, 0x28, 0xFF, 0x00 }).ToArray();
        var letters = texts.Select((text, i) => Letter(i, payload, detail: text)).ToArray();

        var result = await store.WriteBatchAsync(Batch(rows) with { DeadLetters = letters });

        Assert.Equal(new BatchCommitted(rows.Length, 0, letters.Length, 0), result);
        foreach (var row in rows)
        {
            Assert.Equal(row, await store.GetTransactionAsync(row.Transaction.TransactionId));
            var byRule = await store.GetAlertsAsync(new AlertQuery { RuleId = row.Verdict.Reasons[0].RuleId, AccountId = row.Transaction.AccountId });
            Assert.Contains(row, byRule.Items);
        }

        var stored = await store.AllDeadLettersAsync();
        Assert.Equal(letters.Length, stored.Count);
        foreach (var letter in letters)
        {
            var match = Assert.Single(stored, s => s.KafkaOffset == letter.KafkaOffset);
            Assert.Equal(letter.Detail, match.Detail);
            Assert.Equal(payload, match.Payload.ToArray());
        }
    }

    [Fact]
    public async Task Stored_offsets_are_read_back_for_the_partitions_asked()
    {
        await using var store = await NewStoreAsync();
        await store.WriteBatchAsync(Batch([], new OffsetCommit(P(0), null, 10), new OffsetCommit(P(1), null, 20)));
        await store.WriteBatchAsync(Batch([], new OffsetCommit(P(0), 10, 15)));

        var offsets = await store.GetOffsetsAsync(Cluster, Group, [P(0), P(1), P(2), new StoredPartition("other", 0)]);

        Assert.Equal(new Dictionary<StoredPartition, long> { [P(0)] = 15, [P(1)] = 20 }, offsets);
        Assert.Empty(await store.GetOffsetsAsync(Cluster, "another-group", [P(0), P(1)]));
    }

    [Fact]
    public async Task Partition_commits_list_each_partition_of_the_topic_with_its_offset_and_commit_time()
    {
        await using var store = await NewStoreAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await store.WriteBatchAsync(Batch([], new OffsetCommit(P(2), null, 10), new OffsetCommit(P(0), null, 20)));
        await store.WriteBatchAsync(Batch([], new OffsetCommit(P(2), 10, 15), new OffsetCommit(new StoredPartition("other", 1), null, 3)));
        await store.WriteBatchAsync(Batch([], new OffsetCommit(P(1), null, 7)) with { KafkaCluster = "another-cluster" });

        var commits = await store.GetPartitionCommitsAsync(Cluster, Group, Topic);

        Assert.Equal([(0, 20L), (2, 15L)], commits.Select(c => (c.Partition, c.NextOffset)));
        Assert.All(commits, c => Assert.InRange(c.CommittedAt, before, DateTimeOffset.UtcNow.AddSeconds(5)));
        Assert.Empty(await store.GetPartitionCommitsAsync(Cluster, "another-group", Topic));
    }

    [Fact]
    public async Task A_new_kafka_cluster_starts_afresh_beside_the_history_of_the_old_one()
    {
        await using var store = await NewStoreAsync();
        const string old = "old-cluster";
        const string renewed = "new-cluster";
        // The same coordinates in both clusters: partition 0, offsets 0 and 1, account acct-1.
        await store.WriteBatchAsync(Batch([Scored("t-old", account: "acct-1", partition: 0, offset: 0)], new OffsetCommit(P(0), null, 2)) with
        {
            KafkaCluster = old,
            DeadLetters = [Letter(1, "old"u8.ToArray())],
            Checkpoints = [new AccountCheckpoint("acct-1", 0, 0, new byte[] { 1 })],
        });
        await store.RecordGapAsync(new IngestGap(old, Topic, 0, 5, 9, T0));

        Assert.Empty(await store.GetOffsetsAsync(renewed, Group, [P(0)]));
        Assert.Empty(await store.GetCheckpointsAsync(renewed, ["acct-1"]));
        Assert.Empty(await store.GetTransactionsAfterAsync(renewed, new Dictionary<string, long> { ["acct-1"] = -1 }));

        var result = await store.WriteBatchAsync(Batch([Scored("t-new", account: "acct-1", partition: 0, offset: 0)], new OffsetCommit(P(0), null, 2)) with
        {
            KafkaCluster = renewed,
            DeadLetters = [Letter(1, "new"u8.ToArray())],
        });
        await store.RecordGapAsync(new IngestGap(renewed, Topic, 0, 5, 9, T0));

        Assert.Equal(new BatchCommitted(1, 0, 1, 0), result);
        Assert.Equal(new Dictionary<StoredPartition, long> { [P(0)] = 2 }, await store.GetOffsetsAsync(renewed, Group, [P(0)]));
        Assert.Equal(new Dictionary<StoredPartition, long> { [P(0)] = 2 }, await store.GetOffsetsAsync(old, Group, [P(0)]));
        Assert.Equal(["t-new"], (await store.GetTransactionsAfterAsync(renewed, new Dictionary<string, long> { ["acct-1"] = -1 }))["acct-1"].Select(r => r.Transaction.TransactionId));
        Assert.Equal(["t-old"], (await store.GetTransactionsAfterAsync(old, new Dictionary<string, long> { ["acct-1"] = -1 }))["acct-1"].Select(r => r.Transaction.TransactionId));
        Assert.Equal(["new", "old"], (await store.AllDeadLettersAsync()).Select(l => Encoding.UTF8.GetString(l.Payload.Span)).Order());
        Assert.Equal([renewed, old], (await store.GetGapsAsync()).Select(g => g.KafkaCluster).Order());
        // The history stays: both runs' rows and dead letters count.
        var totals = await store.GetTotalsAsync();
        Assert.Equal((2L, 2L), (totals.Transactions, totals.DeadLetters));
    }

    [Fact]
    public async Task A_stale_expected_offset_fences_the_whole_batch_and_writes_nothing()
    {
        await using var store = await NewStoreAsync();
        await store.WriteBatchAsync(Batch([Scored("t-owner", offset: 9)], new OffsetCommit(P(0), null, 10)));
        var totals = await store.GetTotalsAsync();

        var zombie = Batch([Scored("t-zombie", offset: 5), Scored("t-zombie-2", partition: 1, offset: 0)],
                new OffsetCommit(P(0), 5, 6), new OffsetCommit(P(1), null, 1)) with
        {
            DeadLetters = [Letter(4)],
            Checkpoints = [new AccountCheckpoint("acct-1", 0, 5, new byte[] { 1, 2, 3 })],
        };
        var result = await store.WriteBatchAsync(zombie);

        var fenced = Assert.IsType<BatchFenced>(result);
        Assert.Equal([new OffsetConflict(P(0), 5, 10)], fenced.Conflicts.AsEnumerable());
        Assert.Contains("transactions[0]", fenced.ToString(), StringComparison.Ordinal);
        Assert.Null(await store.GetTransactionAsync("t-zombie"));
        Assert.Null(await store.GetTransactionAsync("t-zombie-2"));
        Assert.Equal(new Dictionary<StoredPartition, long> { [P(0)] = 10 }, await store.GetOffsetsAsync(Cluster, Group, [P(0), P(1)]));
        Assert.Empty(await store.GetCheckpointsAsync(Cluster, ["acct-1"]));
        Assert.Empty(await store.AllDeadLettersAsync());
        Assert.Equal(totals, await store.GetTotalsAsync());
    }

    [Fact]
    public async Task No_stored_offset_is_an_expectation_that_can_fail_too()
    {
        await using var store = await NewStoreAsync();
        await store.WriteBatchAsync(Batch([], new OffsetCommit(P(0), null, 10)));

        var claimedAgain = await store.WriteBatchAsync(Batch([Scored("t-late")], new OffsetCommit(P(0), null, 12)));
        var expectedWhereNone = await store.WriteBatchAsync(Batch([Scored("t-late")], new OffsetCommit(P(1), 10, 12)));

        Assert.Equal([new OffsetConflict(P(0), null, 10)], Assert.IsType<BatchFenced>(claimedAgain).Conflicts.AsEnumerable());
        Assert.Equal([new OffsetConflict(P(1), 10, null)], Assert.IsType<BatchFenced>(expectedWhereNone).Conflicts.AsEnumerable());
        Assert.Null(await store.GetTransactionAsync("t-late"));
    }

    [Fact]
    public async Task Two_writers_claiming_the_same_partition_commit_exactly_once_per_round()
    {
        var settings = await NewStorageAsync();
        await using var first = await FraudStoreFactory.CreateAsync(settings);
        await using var second = await FraudStoreFactory.CreateAsync(settings);
        long? expected = null;
        var winners = new List<string>();
        for (var round = 0; round < 8; round++)
        {
            var next = (expected ?? 0) + 5;
            var claims = new[] { (first, "a"), (second, "b") }.Select(w => Task.Run(() => w.Item1.WriteBatchAsync(
                Batch(Many($"t-{w.Item2}-{round}", 5, firstOffset: expected ?? 0), new OffsetCommit(P(0), expected, next))))).ToArray();
            var results = await Task.WhenAll(claims);

            var committed = Assert.Single(results.OfType<BatchCommitted>());
            var fenced = Assert.Single(results.OfType<BatchFenced>());
            Assert.Equal([new OffsetConflict(P(0), expected, next)], fenced.Conflicts.AsEnumerable());
            Assert.Equal(5, committed.Transactions);
            var winner = results[0] is BatchCommitted ? "a" : "b";
            var loser = winner == "a" ? "b" : "a";
            winners.Add(winner);
            Assert.NotNull(await first.GetTransactionAsync($"t-{winner}-{round}-0"));
            Assert.Null(await first.GetTransactionAsync($"t-{loser}-{round}-0"));
            expected = next;
        }

        Assert.Equal(new Dictionary<StoredPartition, long> { [P(0)] = 40 }, await first.GetOffsetsAsync(Cluster, Group, [P(0)]));
        Assert.Equal(40, (await second.GetTotalsAsync()).Transactions);
    }

    [Fact]
    public async Task A_transaction_id_already_stored_is_skipped_without_failing_the_batch()
    {
        await using var store = await NewStoreAsync();
        var original = Scored("t-1", amount: 100m, decision: Decision.Review);
        await store.WriteBatchAsync(Batch([original], new OffsetCommit(P(0), null, 1)));

        var resent = Scored("t-1", amount: 999m);
        var result = await store.WriteBatchAsync(Batch([resent, Scored("t-2", offset: 1)], new OffsetCommit(P(0), 1, 2)));

        Assert.Equal(new BatchCommitted(1, 1, 0, 0), result);
        Assert.Equal(original, await store.GetTransactionAsync("t-1"));
        Assert.NotNull(await store.GetTransactionAsync("t-2"));
        var totals = await store.GetTotalsAsync();
        Assert.Equal((2, 1, 112.5m), (totals.Transactions, totals.Flagged, totals.Amount));
    }

    [Fact]
    public async Task An_id_repeated_within_one_batch_is_stored_once_and_the_first_wins()
    {
        await using var store = await NewStoreAsync();
        var first = Scored("t-1", amount: 1m);

        var result = await store.WriteBatchAsync(Batch([first, Scored("t-1", amount: 2m), Scored("t-1", amount: 3m)]));

        Assert.Equal(new BatchCommitted(1, 2, 0, 0), result);
        Assert.Equal(first, await store.GetTransactionAsync("t-1"));
        Assert.Equal(1, (await store.GetTotalsAsync()).Transactions);
    }

    [Fact]
    public async Task Writers_of_different_partitions_sending_the_same_ids_store_each_once()
    {
        var settings = await NewStorageAsync();
        await using var first = await FraudStoreFactory.CreateAsync(settings);
        await using var second = await FraudStoreFactory.CreateAsync(settings);
        var shared = Many("t-shared", 300);

        var results = await Task.WhenAll(
            Task.Run(() => first.WriteBatchAsync(Batch(shared, new OffsetCommit(P(0), null, 300)))),
            Task.Run(() => second.WriteBatchAsync(Batch(shared.Select(r => r with { KafkaPartition = 1 }), new OffsetCommit(P(1), null, 300)))));

        var committed = results.Cast<BatchCommitted>().ToArray();
        Assert.Equal(300, committed.Sum(c => c.Transactions));
        Assert.Equal(300, committed.Sum(c => c.DuplicatesSkipped));
        Assert.Equal(300, (await first.GetTotalsAsync()).Transactions);
    }

    [Fact]
    public async Task Dead_letters_keep_their_bytes_and_are_stored_once_per_record()
    {
        await using var store = await NewStoreAsync();
        var letter = Letter(7, payload: [0x00, 0xFF, 0x7B, 0x22, 0xC3]);

        var firstTime = await store.WriteBatchAsync(Batch([]) with { DeadLetters = [letter, letter] });
        var replayed = await store.WriteBatchAsync(Batch([]) with { DeadLetters = [letter, Letter(8)] });

        Assert.Equal(new BatchCommitted(0, 0, 1, 0), firstTime);
        Assert.Equal(new BatchCommitted(0, 0, 1, 0), replayed);
        var stored = await store.AllDeadLettersAsync();
        Assert.Equal([8L, 7L], stored.Select(s => s.KafkaOffset));
        var seven = stored[1];
        Assert.Equal((letter.Topic, letter.KafkaPartition, letter.ReasonCode, letter.Detail, letter.ReceivedAt),
            (seven.Topic, seven.KafkaPartition, seven.ReasonCode, seven.Detail, seven.ReceivedAt));
        Assert.Equal(letter.Payload.ToArray(), seven.Payload.ToArray());
        Assert.Equal(2, (await store.GetTotalsAsync()).DeadLetters);
        Assert.Single((await store.GetDeadLettersAsync(new DeadLetterQuery { Limit = 1 })).Items);
    }

    [Fact]
    public async Task Dead_letters_are_filtered_by_reason_partition_and_receive_time_and_paged_without_gaps_or_repeats()
    {
        await using var store = await NewStoreAsync();
        // 40 letters over two partitions and two reasons; offsets 10 and 11 share a receive time with another
        // partition's letter, so the cursor must break ties by identity, not by time.
        var letters = Enumerable.Range(0, 40).Select(i => Letter(i, partition: i % 2) with
        {
            ReasonCode = i % 3 == 0 ? "schema_violation" : "malformed_json",
            ReceivedAt = T0.AddSeconds(i / 2),
        }).ToArray();
        Assert.IsType<BatchCommitted>(await store.WriteBatchAsync(Batch([]) with { DeadLetters = letters }));

        async Task<List<StoredDeadLetter>> AllPages(DeadLetterQuery query)
        {
            var all = new List<StoredDeadLetter>();
            DeadLetterCursor? after = null;
            do
            {
                var page = await store.GetDeadLettersAsync(query with { After = after });
                Assert.True(page.Items.Count <= query.Limit);
                all.AddRange(page.Items);
                after = page.Next;
            }
            while (after is not null);
            return all;
        }

        IEnumerable<long> Expected(Func<DeadLetterRecord, bool> wanted) => letters.Where(wanted)
            .OrderByDescending(l => l.ReceivedAt).ThenByDescending(l => l.KafkaPartition).ThenByDescending(l => l.KafkaOffset)
            .Select(l => l.KafkaOffset);

        Assert.Equal(Expected(_ => true), (await AllPages(new DeadLetterQuery { Limit = 7 })).Select(l => l.Letter.KafkaOffset));
        Assert.Equal(Expected(l => l.ReasonCode == "schema_violation"),
            (await AllPages(new DeadLetterQuery { ReasonCode = "schema_violation", Limit = 3 })).Select(l => l.Letter.KafkaOffset));
        Assert.Equal(Expected(l => l.KafkaPartition == 1), (await AllPages(new DeadLetterQuery { Partition = 1, Limit = 4 })).Select(l => l.Letter.KafkaOffset));
        var (from, to) = (T0.AddSeconds(5), T0.AddSeconds(9));
        Assert.Equal(Expected(l => l.ReceivedAt >= from && l.ReceivedAt < to),
            (await AllPages(new DeadLetterQuery { From = from, To = to, Limit = 5 })).Select(l => l.Letter.KafkaOffset));
        var all = await AllPages(new DeadLetterQuery { Limit = DeadLetterQuery.MaxLimit });
        Assert.All(all, l => Assert.Equal(Cluster, l.KafkaCluster));

        // One letter by its Kafka coordinates, bytes and all; another cluster's coordinates are another record.
        var wanted = letters[17];
        var found = await store.GetDeadLetterAsync(new DeadLetterKey(Cluster, Topic, wanted.KafkaPartition, wanted.KafkaOffset));
        Assert.NotNull(found);
        Assert.Equal((wanted.ReasonCode, wanted.Detail, wanted.ReceivedAt), (found.Letter.ReasonCode, found.Letter.Detail, found.Letter.ReceivedAt));
        Assert.Equal(wanted.Payload.ToArray(), found.Letter.Payload.ToArray());
        Assert.Null(await store.GetDeadLetterAsync(new DeadLetterKey("another-cluster", Topic, wanted.KafkaPartition, wanted.KafkaOffset)));
        Assert.Null(await store.GetDeadLetterAsync(new DeadLetterKey(Cluster, Topic, wanted.KafkaPartition, 999)));
    }

    [Fact]
    public async Task Checkpoints_are_read_in_batches_and_the_newest_write_wins()
    {
        await using var store = await NewStoreAsync();
        var state = new AccountState();
        foreach (var row in Many("t-state", 20))
        {
            RuleEngine.Apply(state, row.Transaction with { AccountId = "acct-real" }, RuleSet.Seed);
        }

        var checkpoints = Enumerable.Range(0, 12_345)
            .Select(i => new AccountCheckpoint($"acct-{i}", i % 8, i, BitConverter.GetBytes(i)))
            .Append(new AccountCheckpoint("acct-real", 2, 19, state.ToBytes()))
            .ToArray();
        Assert.Equal(new BatchCommitted(0, 0, 0, checkpoints.Length), await store.WriteBatchAsync(Batch([]) with { Checkpoints = checkpoints }));
        await store.WriteBatchAsync(Batch([]) with
        {
            Checkpoints = [new AccountCheckpoint("acct-5", 5, 100, new byte[] { 9 }), new AccountCheckpoint("acct-5", 5, 101, new byte[] { 10 })],
        });

        var asked = checkpoints.Select(c => c.AccountId).Concat(["acct-unknown", "acct-5"]).ToArray();
        var read = await store.GetCheckpointsAsync(Cluster, asked);

        Assert.Equal(checkpoints.Length, read.Count);
        Assert.Equal((5, 101L), (read["acct-5"].KafkaPartition, read["acct-5"].AsOfOffset));
        Assert.Equal([10], read["acct-5"].State.ToArray());
        Assert.Equal((7, 12_343L), (read["acct-12343"].KafkaPartition, read["acct-12343"].AsOfOffset));
        Assert.Equal(BitConverter.GetBytes(12_343), read["acct-12343"].State.ToArray());
        Assert.Equal(state.ToBytes(), AccountState.FromBytes(read["acct-real"].State.Span).ToBytes());
        Assert.Empty(await store.GetCheckpointsAsync(Cluster, []));
    }

    [Fact]
    public async Task Alerts_are_filtered_and_paged_newest_first()
    {
        await using var store = await NewStoreAsync();
        var rows = Enumerable.Range(0, 60).Select(i => Scored(
            $"t-{i:D2}",
            account: i % 3 == 0 ? "acct-a" : "acct-b",
            at: T0.AddMinutes(i / 2),
            decision: (i % 4) switch { 0 => Decision.Approve, 1 => Decision.Review, _ => Decision.Block },
            reasons: (i % 4) switch { 0 => [], 1 => [Velocity], 2 => [Large], _ => [Velocity, Large] },
            offset: i)).ToArray();
        await store.WriteBatchAsync(Batch(rows, new OffsetCommit(P(0), null, 60)));
        IEnumerable<ScoredTransaction> Expected(Func<ScoredTransaction, bool> filter) => rows
            .Where(r => r.Verdict.Flagged && filter(r))
            .OrderByDescending(r => r.Transaction.EventTime).ThenByDescending(r => r.Transaction.TransactionId, StringComparer.Ordinal);

        Assert.Equal(Expected(_ => true), await AllPagesAsync(store, new AlertQuery { Limit = 7 }));
        Assert.Equal(Expected(r => r.Verdict.Decision == Decision.Block), await AllPagesAsync(store, new AlertQuery { Decision = Decision.Block, Limit = 4 }));
        Assert.Equal(Expected(r => r.Verdict.Reasons.Contains(Velocity)), await AllPagesAsync(store, new AlertQuery { RuleId = "velocity-1m" }));
        Assert.Equal(Expected(r => r.Transaction.AccountId == "acct-a"), await AllPagesAsync(store, new AlertQuery { AccountId = "acct-a", Limit = 3 }));
        var from = T0.AddMinutes(5);
        var to = T0.AddMinutes(12);
        Assert.Equal(
            Expected(r => r.Transaction.EventTime >= from && r.Transaction.EventTime < to && r.Verdict.Reasons.Contains(Large) && r.Transaction.AccountId == "acct-b"),
            await AllPagesAsync(store, new AlertQuery { From = from, To = to, RuleId = "large-amount", AccountId = "acct-b", Limit = 2 }));
        Assert.Empty((await store.GetAlertsAsync(new AlertQuery { Decision = Decision.Approve })).Items);
        Assert.Empty((await store.GetAlertsAsync(new AlertQuery { RuleId = "no-such-rule" })).Items);
        var firstPage = await store.GetAlertsAsync(new AlertQuery { Limit = 45 });
        Assert.Equal(45, firstPage.Items.Count);
        Assert.Null(firstPage.Next);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.GetAlertsAsync(new AlertQuery { Limit = 0 }));
    }

    private static async Task<List<ScoredTransaction>> AllPagesAsync(IWarehouseQueries store, AlertQuery query)
    {
        var all = new List<ScoredTransaction>();
        for (var page = await store.GetAlertsAsync(query); ; page = await store.GetAlertsAsync(query with { After = page.Next }))
        {
            Assert.True(page.Items.Count <= query.Limit);
            all.AddRange(page.Items);
            if (page.Next is null)
            {
                return all;
            }
        }
    }

    [Fact]
    public async Task Transactions_after_an_offset_come_per_account_in_offset_order()
    {
        await using var store = await NewStoreAsync();
        // Event times run against offsets here: recovery must follow the offsets (the order the account applied them).
        var rows = Many("t-after", 42).Select(r => r with { Transaction = r.Transaction with { EventTime = T0.AddSeconds(-r.KafkaOffset) } }).ToArray();
        await store.WriteBatchAsync(Batch(rows.Take(20)));
        await store.WriteBatchAsync(Batch(rows.Skip(20)));

        var after = await store.GetTransactionsAfterAsync(Cluster, new Dictionary<string, long>
        {
            ["t-after-acct-1"] = 14,
            ["t-after-acct-2"] = -1,
            ["t-after-acct-3"] = 41,
            ["acct-nobody"] = -1,
        });

        Assert.Equal(["t-after-acct-1", "t-after-acct-2"], after.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(rows.Where(r => r.Transaction.AccountId == "t-after-acct-1" && r.KafkaOffset > 14), after["t-after-acct-1"]);
        Assert.Equal(rows.Where(r => r.Transaction.AccountId == "t-after-acct-2"), after["t-after-acct-2"]);
        Assert.Empty(await store.GetTransactionsAfterAsync(Cluster, new Dictionary<string, long>()));
    }

    [Fact]
    public async Task A_time_range_streams_its_transactions_in_each_partitions_offset_order()
    {
        await using var store = await NewStoreAsync();
        // Event times run against offsets in partition 1: a backtest must score in the order the accounts did.
        var first = Many("t-range-a", 30, partition: 0);
        var second = Many("t-range-b", 30, partition: 1).Select(r => r with { Transaction = r.Transaction with { EventTime = T0.AddSeconds(40 - r.KafkaOffset) } }).ToArray();
        await store.WriteBatchAsync(Batch([.. second.Take(15), .. first]));
        await store.WriteBatchAsync(Batch(second.Skip(15)));
        var (from, to) = (T0.AddSeconds(10), T0.AddSeconds(25));

        var read = new List<ScoredTransaction>();
        await foreach (var row in store.ReadTimeRangeAsync(from, to))
        {
            read.Add(row);
        }

        var expected = first.Concat(second).Where(r => r.Transaction.EventTime >= from && r.Transaction.EventTime < to)
            .OrderBy(r => r.KafkaPartition).ThenBy(r => r.KafkaOffset).ToList();
        Assert.Equal(29, expected.Count);
        Assert.Equal(expected, read);
        await foreach (var _ in store.ReadTimeRangeAsync(T0.AddDays(1), T0.AddDays(2)))
        {
            Assert.Fail("a range with nothing stored in it read a row");
        }
    }

    [Fact]
    public async Task Account_history_is_newest_first_and_limited()
    {
        await using var store = await NewStoreAsync();
        var rows = Many("t-h", 30);
        await store.WriteBatchAsync(Batch(rows));

        var history = await store.GetAccountHistoryAsync("t-h-acct-3", 3);

        Assert.Equal(rows.Where(r => r.Transaction.AccountId == "t-h-acct-3").OrderByDescending(r => r.Transaction.EventTime).Take(3), history);
        Assert.Empty(await store.GetAccountHistoryAsync("acct-nobody", 10));
    }

    [Fact]
    public async Task Minute_rollups_and_totals_count_each_stored_record_once()
    {
        await using var store = await NewStoreAsync();
        var rows = Enumerable.Range(0, 50).Select(i => Scored(
            $"t-{i}", at: T0.AddSeconds(i * 5), amount: 100.0001m * (i + 1),
            decision: (i % 5) switch { 0 => Decision.Block, 1 => Decision.Review, _ => Decision.Approve })).ToArray();
        await store.WriteBatchAsync(Batch(rows[..30]) with { DeadLetters = [Letter(1), Letter(200)] });
        await store.WriteBatchAsync(Batch(rows[20..]) with { DeadLetters = [Letter(1)] }); // 10 re-sent rows, 1 re-sent dead letter

        var expected = rows.GroupBy(r => T0.AddMinutes(Math.Floor((r.Transaction.EventTime - T0).TotalMinutes)))
            .Select(g => new MinuteRollup(g.Key, g.Count(), g.Count(r => r.Verdict.Flagged), g.Count(r => r.Verdict.Decision == Decision.Block),
                g.Sum(r => r.Transaction.Amount), g.Where(r => r.Verdict.Flagged).Sum(r => r.Transaction.Amount),
                g.Key == T0 ? 1 : g.Key == T0.AddMinutes(3) ? 1 : 0))
            .ToList();
        var rollups = await store.GetMinuteRollupsAsync(T0, T0.AddHours(1));

        Assert.Equal(expected, rollups);
        Assert.Equal(expected.Skip(1).Take(2), await store.GetMinuteRollupsAsync(T0.AddSeconds(1), T0.AddMinutes(3)));
        Assert.Equal(
            new StoreTotals(50, rows.Count(r => r.Verdict.Flagged), 10, rows.Sum(r => r.Transaction.Amount),
                rows.Where(r => r.Verdict.Flagged).Sum(r => r.Transaction.Amount), 2),
            await store.GetTotalsAsync());
    }

    [Fact]
    public async Task Ingest_gaps_are_recorded_once_and_only_ever_widened()
    {
        await using var store = await NewStoreAsync();
        Assert.Empty(await store.GetGapsAsync());

        await store.RecordGapAsync(new IngestGap(Cluster, Topic, 2, 100, 150, T0));
        await store.RecordGapAsync(new IngestGap(Cluster, Topic, 2, 100, 170, T0.AddMinutes(1)));
        await store.RecordGapAsync(new IngestGap(Cluster, Topic, 2, 100, 120, T0.AddMinutes(2)));
        await store.RecordGapAsync(new IngestGap(Cluster, Topic, 3, 0, 10, T0.AddMinutes(3)));

        var gaps = await store.GetGapsAsync();
        Assert.Equal([new IngestGap(Cluster, Topic, 3, 0, 10, T0.AddMinutes(3)), new IngestGap(Cluster, Topic, 2, 100, 170, T0)], gaps);
        Assert.Equal(70, gaps[1].MissingCount);
        await Assert.ThrowsAsync<ArgumentException>(() => store.RecordGapAsync(new IngestGap(Cluster, Topic, 2, 10, 10, T0)));
    }

    [Fact]
    public async Task A_malformed_batch_is_rejected_before_anything_is_written()
    {
        await using var store = await NewStoreAsync();
        var good = Scored("t-good");
        StoreBatch[] malformed =
        [
            Batch([good, Scored("t-bad") with { Verdict = good.Verdict }]),
            Batch([good, Scored("t-bad", amount: 1.00001m)]),
            Batch([good, Scored("t-bad", merchantName: "nul\0inside")]),
            Batch([good, Scored("t-bad", merchantName: "lone \uD83D surrogate")]),
            Batch([good], new OffsetCommit(P(0), null, 1), new OffsetCommit(P(0), null, 2)),
            Batch([good], new OffsetCommit(P(0), 10, 9)),
            Batch([good]) with { ConsumerGroup = "" },
        ];

        foreach (var batch in malformed)
        {
            await Assert.ThrowsAsync<ArgumentException>(() => store.WriteBatchAsync(batch));
        }

        Assert.Null(await store.GetTransactionAsync("t-good"));
        Assert.Equal(0, (await store.GetTotalsAsync()).Transactions);
    }

    [Fact]
    public async Task Api_keys_round_trip_keep_names_unique_among_live_keys_and_are_revoked_once()
    {
        await using var store = await NewStoreAsync();
        var at = new DateTimeOffset(2026, 12, 1, 9, 30, 0, 123, TimeSpan.Zero);
        var alice = new StoredApiKey("k1", "alice", "analyst", new string('a', 64), "admin-token", at, at.AddDays(30), null);
        var bot = new StoredApiKey("k2", "ingest-bot", "viewer", new string('b', 64), "alice", at.AddSeconds(1), null, null);

        Assert.True(await store.TryAddApiKeyAsync(alice));
        Assert.True(await store.TryAddApiKeyAsync(bot));
        Assert.False(await store.TryAddApiKeyAsync(alice with { KeyId = "k3" }), "a second live key named alice");
        Assert.Equal(alice, await store.GetApiKeyAsync("k1"));
        Assert.Equal(bot, await store.GetApiKeyAsync("k2"));
        Assert.Null(await store.GetApiKeyAsync("k3"));

        Assert.True(await store.RevokeApiKeyAsync("k1", at.AddHours(1)));
        Assert.False(await store.RevokeApiKeyAsync("k1", at.AddHours(2)), "revoked twice");
        Assert.False(await store.RevokeApiKeyAsync("k-none", at));
        Assert.Equal(alice with { RevokedAt = at.AddHours(1) }, await store.GetApiKeyAsync("k1"));

        // Her revoked key frees the name for her new one; both stay listed, oldest first.
        var again = alice with { KeyId = "k4", CreatedAt = at.AddHours(3) };
        Assert.True(await store.TryAddApiKeyAsync(again));
        Assert.Equal(["k1", "k2", "k4"], (await store.GetApiKeysAsync()).Select(k => k.KeyId));
    }

    [Fact]
    public async Task The_audit_log_numbers_records_in_order_and_pages_newest_first()
    {
        await using var store = await NewStoreAsync();
        var at = new DateTimeOffset(2026, 12, 1, 9, 30, 0, 789, TimeSpan.Zero);
        AuditRecord Record(int i) => new(0, at.AddSeconds(i), i % 2 == 0 ? "k1" : null, i % 2 == 0 ? "alice" : null, i % 2 == 0 ? "operator" : null,
            i % 2 == 0 ? "api-key" : "anonymous", "SetSimulatorRate", "PUT", "/api/simulator/rate", i % 3 == 0 ? null : "10.0.0.7", i % 2 == 0 ? 200 : 401);
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAuditAsync(Record(i));
        }

        var newest = await store.GetAuditAsync(null, 3);
        Assert.Equal([4, 3, 2], newest.Select(r => (int)(r.At - at).TotalSeconds));
        Assert.True(newest[0].Id > newest[1].Id && newest[1].Id > newest[2].Id, "ids increase in the order written");
        Assert.Equal(Record(4) with { Id = newest[0].Id }, newest[0]);
        Assert.Equal(Record(3) with { Id = newest[1].Id }, newest[1]);
        var older = await store.GetAuditAsync(newest[^1].Id, 3);
        Assert.Equal([1, 0], older.Select(r => (int)(r.At - at).TotalSeconds));
        Assert.Empty(await store.GetAuditAsync(older[^1].Id, 3));
    }

    [Fact]
    public async Task A_session_is_found_until_it_expires_or_ends_and_a_new_one_forgets_the_expired()
    {
        await using var store = await NewStoreAsync();
        var at = new DateTimeOffset(2026, 12, 1, 9, 30, 0, 123, TimeSpan.Zero);
        var old = new StoredSession("d-old", "k1", at, at.AddHours(1));
        await store.AddSessionAsync(old);

        Assert.Equal(old, await store.GetSessionAsync("d-old", at.AddMinutes(59)));
        Assert.Null(await store.GetSessionAsync("d-old", at.AddHours(1)));
        Assert.Null(await store.GetSessionAsync("d-unknown", at));

        // Opening a session after the old one expired forgets it: it is gone even for a clock that runs behind.
        var recent = new StoredSession("d-recent", "admin-token:abc", at.AddHours(2), at.AddHours(14));
        await store.AddSessionAsync(recent);
        Assert.Null(await store.GetSessionAsync("d-old", at));
        Assert.Equal(recent, await store.GetSessionAsync("d-recent", at.AddHours(3)));

        Assert.True(await store.EndSessionAsync("d-recent"));
        Assert.Null(await store.GetSessionAsync("d-recent", at.AddHours(3)));
        Assert.False(await store.EndSessionAsync("d-recent"));
    }

    [Fact]
    public async Task An_empty_batch_commits_and_changes_nothing()
    {
        await using var store = await NewStoreAsync();

        Assert.Equal(new BatchCommitted(0, 0, 0, 0), await store.WriteBatchAsync(Batch([])));
        Assert.Equal(new StoreTotals(0, 0, 0, 0, 0, 0), await store.GetTotalsAsync());
    }
}
