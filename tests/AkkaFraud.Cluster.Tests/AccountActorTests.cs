using Akka.Actor;
using Akka.Hosting;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFraud.Cluster.Tests;

/// <summary>
/// The account actor's protocol against a real (SQLite) store, with every message round-tripping through its
/// serializer: scoring, checkpoint loading, reloading when a new epoch starts, passivation only when safe.
/// </summary>
public sealed class Account_actor(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(output: output)
{
    private const string KafkaCluster = "test-kafka-cluster";

    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"akkafraud-actor-{Guid.NewGuid():N}.db");
    private IFraudStore? _store;

    private IFraudStore Store => _store ??= FraudStoreFactory.CreateAsync(new FraudStoreSettings { ConnectionString = $"Data Source={_database}" }).GetAwaiter().GetResult();

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddFraudSerialization().AddHocon("akka.actor.serialize-messages = on", HoconAddMode.Prepend);

    private static Transaction Tx(string id, double seconds, decimal amount = 10) => new()
    {
        TransactionId = id,
        AccountId = "a-1",
        EventTime = T0.AddSeconds(seconds),
        Amount = amount,
        Currency = "EUR",
        Type = TransactionType.Purchase,
        Channel = Channel.Pos,
        Country = "DE",
    };

    /// <summary>This node's runs of partition 3; the accounts of a test score in the run it began last.</summary>
    private readonly PartitionProgress _progress = new();

    /// <summary>Begins a new run of partition 3 on this node (an assignment) and returns its epoch.</summary>
    private long NewRun(long startOffset = 100) => _progress.Begin(3, startOffset, storedOffset: null).Epoch;

    private IActorRef Account(PartitionProgress? progress = null, TimeSpan? idle = null, int checkpointEvery = 1)
    {
        progress ??= _progress;
        var loader = Sys.ActorOf(CheckpointLoader.Props(Store, KafkaClusterIdentity.Known(KafkaCluster)));
        return Sys.ActorOf(AccountActor.Props("a-1", loader, new RuleSetSource(RuleSet.Default), progress,
            new AccountSettings { PassivateAfterIdle = idle ?? TimeSpan.FromMinutes(5), CheckpointEvery = checkpointEvery }));
    }

    [Fact]
    public void An_account_hands_out_its_state_for_a_checkpoint_every_N_transactions()
    {
        var account = Account(checkpointEvery: 3);
        var epoch = NewRun();

        for (var i = 0; i < 7; i++)
        {
            account.Tell(new ScoreTransaction(i, 3, 100 + i, epoch, Tx($"t-{i}", i)), TestActor);
        }

        var checkpoints = Enumerable.Range(0, 7).Select(_ => ExpectMsg<TransactionScored>().Checkpoint).ToList();
        Assert.Equal([false, false, true, false, false, true, false], checkpoints.Select(c => c is not null));
        Assert.Equal(6, AccountState.FromBytes(checkpoints[5]).TransactionCount);
    }

    [Fact]
    public void The_loader_answers_an_account_it_has_never_seen_with_no_state_rather_than_an_empty_one()
    {
        var loader = Sys.ActorOf(CheckpointLoader.Props(Store, KafkaClusterIdentity.Known(KafkaCluster)));

        loader.Tell(new LoadCheckpoint("a-never-seen"), TestActor);

        var loaded = ExpectMsg<CheckpointLoaded>();
        Assert.Null(loaded.State);
        Assert.Empty(loaded.Replay);
    }

    [Fact]
    public async Task An_account_recovers_its_state_from_an_older_checkpoint_plus_the_rows_stored_after_it()
    {
        // Seven transactions, a checkpoint after the third; all seven rows committed with the partition's offset.
        var transactions = Enumerable.Range(0, 8).Select(i => Tx($"t-{i}", i * 5, amount: 100 + i)).ToList();
        var first = Account(checkpointEvery: 3);
        var firstRun = NewRun();
        for (var i = 0; i < 7; i++)
        {
            first.Tell(new ScoreTransaction(i, 3, 100 + i, firstRun, transactions[i]), TestActor);
        }

        var replies = Enumerable.Range(0, 7).Select(_ => ExpectMsg<TransactionScored>()).ToList();
        await Store.WriteBatchAsync(new StoreBatch
        {
            KafkaCluster = KafkaCluster,
            ConsumerGroup = "g",
            Transactions = [.. Enumerable.Range(0, 7).Select(i => new ScoredTransaction(transactions[i], replies[i].Verdict, 3, 100 + i, T0, T0))],
            Checkpoints = [new AccountCheckpoint("a-1", 3, 102, replies[2].Checkpoint!)],
            Offsets = [new OffsetCommit(new StoredPartition("transactions", 3), null, 107)],
        });
        Sys.Stop(first);

        // A fresh activation (another node, after a crash) scores the eighth exactly as the pure replay of all eight.
        var second = Account(checkpointEvery: 3);
        second.Tell(new ScoreTransaction(8, 3, 107, NewRun(107), transactions[7]), TestActor);

        var verdict = ExpectMsg<TransactionScored>().Verdict;
        Assert.Equal(RuleEngine.Replay(transactions, RuleSet.Default)[^1], verdict);
        Assert.NotEmpty(verdict.Reasons);
        second.Tell(new GetAccountSummary("a-1", 3), TestActor);
        Assert.Equal(8, ExpectMsg<AccountSummary>().TransactionCount);
    }

    [Fact]
    public void A_new_account_scores_its_transactions_in_order_and_returns_its_state()
    {
        var account = Account();
        var epoch = NewRun();

        for (var i = 0; i < 7; i++)
        {
            account.Tell(new ScoreTransaction(i, 3, 100 + i, epoch, Tx($"t-{i}", i)), TestActor);
        }

        var replies = Enumerable.Range(0, 7).Select(_ => ExpectMsg<TransactionScored>()).ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], replies.Select(r => r.CorrelationId));
        Assert.Equal("velocity-burst", Assert.Single(replies[^1].Verdict.Reasons).RuleId); // 7 in 60 s > 5
        Assert.Equal(7, AccountState.FromBytes(replies[^1].Checkpoint).TransactionCount);
    }

    [Fact]
    public async Task A_new_epoch_reloads_the_stored_checkpoint_and_forgets_uncommitted_work()
    {
        var account = Account();
        var epoch1 = NewRun();
        account.Tell(new ScoreTransaction(1, 3, 100, epoch1, Tx("t-1", 0)), TestActor);
        var committed = ExpectMsg<TransactionScored>();
        await Store.WriteBatchAsync(new StoreBatch
        {
            KafkaCluster = KafkaCluster,
            ConsumerGroup = "g",
            Checkpoints = [new AccountCheckpoint("a-1", 3, 100, committed.Checkpoint)],
            Offsets = [new OffsetCommit(new StoredPartition("transactions", 3), null, 101)],
        });

        // Scored in epoch 1 but never committed: a restart from the stored offset (epoch 2) must not see it.
        account.Tell(new ScoreTransaction(2, 3, 101, epoch1, Tx("t-2", 1)), TestActor);
        Assert.Equal(2, AccountState.FromBytes(ExpectMsg<TransactionScored>().Checkpoint).TransactionCount);

        account.Tell(new ScoreTransaction(3, 3, 101, NewRun(101), Tx("t-2", 1)), TestActor);
        var replayed = ExpectMsg<TransactionScored>();
        Assert.False(replayed.Verdict.IsDuplicate);
        Assert.Equal(2, AccountState.FromBytes(replayed.Checkpoint).TransactionCount);
    }

    [Fact]
    public void A_late_message_of_an_ended_run_does_not_make_the_account_forget_what_it_scored_in_the_current_run()
    {
        var account = Account();
        var ended = NewRun();
        account.Tell(new ScoreTransaction(90, 3, 100, ended, Tx("t-old-1", 0)), TestActor);
        var current = NewRun();
        for (var i = 0; i < 6; i++)
        {
            account.Tell(new ScoreTransaction(i, 3, 100 + i, current, Tx($"t-{i}", i)), TestActor);
        }

        // Overtaken in the region by the current run's messages: scored against the ended run's own state.
        account.Tell(new ScoreTransaction(91, 3, 101, ended, Tx("t-old-2", 0.5)), TestActor);
        account.Tell(new ScoreTransaction(6, 3, 106, current, Tx("t-6", 6)), TestActor);

        var replies = Enumerable.Range(0, 9).Select(_ => ExpectMsg<TransactionScored>()).ToList();
        Assert.Equal([90, 0, 1, 2, 3, 4, 5, 91, 6], replies.Select(r => r.CorrelationId));
        Assert.Equal(2, AccountState.FromBytes(replies[7].Checkpoint).TransactionCount);
        Assert.Equal("velocity-burst", Assert.Single(replies[^1].Verdict.Reasons).RuleId); // 7 of the current run in 60 s > 5
        Assert.Equal(7, AccountState.FromBytes(replies[^1].Checkpoint).TransactionCount);
    }

    [Fact]
    public void An_account_answers_a_summary_query_from_its_state()
    {
        var account = Account();
        account.Tell(new ScoreTransaction(1, 3, 100, NewRun(), Tx("t-1", 0)), TestActor);
        ExpectMsg<TransactionScored>();

        account.Tell(new GetAccountSummary("a-1", 3), TestActor);

        var summary = ExpectMsg<AccountSummary>();
        Assert.Equal(1, summary.TransactionCount);
        Assert.Equal(T0, summary.LastEventTime);
    }

    [Fact]
    public void An_idle_account_stays_in_memory_until_its_work_is_committed()
    {
        var progress = new PartitionProgress();
        var run = progress.Begin(partition: 3, startOffset: 100, storedOffset: 100);
        var parent = CreateTestProbe();
        var account = IdleSoonAccount(parent, progress);

        account.Tell(new ScoreTransaction(1, 3, 100, run.Epoch, Tx("t-1", 0)), TestActor);
        ExpectMsg<TransactionScored>();
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(700));

        progress.Committed(3, run.Epoch, 101);

        parent.ExpectMsg<Akka.Cluster.Sharding.Passivate>(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void An_idle_account_of_a_new_partition_run_stays_in_memory_until_that_run_commits_its_work()
    {
        // The partition's previous run here committed up to 101; the new run has committed nothing of its own yet.
        var progress = new PartitionProgress();
        progress.Committed(3, progress.Begin(3, startOffset: 100, storedOffset: 100).Epoch, 101);
        var run = progress.Begin(3, startOffset: 101, storedOffset: 101);
        var parent = CreateTestProbe();
        var account = IdleSoonAccount(parent, progress);

        account.Tell(new ScoreTransaction(1, 3, 101, run.Epoch, Tx("t-1", 0)), TestActor);
        ExpectMsg<TransactionScored>();
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(700));

        progress.Committed(3, run.Epoch, 102);

        parent.ExpectMsg<Akka.Cluster.Sharding.Passivate>(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void An_idle_account_whose_partition_run_was_revoked_stays_in_memory_only_while_its_work_is_uncommitted()
    {
        var progress = new PartitionProgress();
        var run = progress.Begin(3, startOffset: 100, storedOffset: 100);
        var parent = CreateTestProbe();
        var account = IdleSoonAccount(parent, progress);

        account.Tell(new ScoreTransaction(1, 3, 100, run.Epoch, Tx("t-1", 0)), TestActor);
        ExpectMsg<TransactionScored>();
        progress.End(3);
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(700));

        // A batch prepared before the revocation may still commit; then the state it covers may go.
        progress.Committed(3, run.Epoch, 101);

        parent.ExpectMsg<Akka.Cluster.Sharding.Passivate>(TimeSpan.FromSeconds(3));
    }

    private IActorRef IdleSoonAccount(Akka.TestKit.TestProbe parent, PartitionProgress progress)
    {
        var loader = Sys.ActorOf(CheckpointLoader.Props(Store, KafkaClusterIdentity.Known(KafkaCluster)));
        return parent.ChildActorOf(AccountActor.Props("a-1", loader, new RuleSetSource(RuleSet.Default), progress,
            new AccountSettings { PassivateAfterIdle = TimeSpan.FromMilliseconds(200) }));
    }

    protected override async Task AfterAllAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_database);
        await base.AfterAllAsync();
    }
}
