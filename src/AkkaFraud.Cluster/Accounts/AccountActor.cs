using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// One account: scores its transactions with the pure <see cref="RuleEngine"/>, one at a time, in the order they come.
/// Each run (epoch) of its partition scores against a state of its own, loaded when the run's first message arrives
/// (messages wait in the stash meanwhile): the stored checkpoint plus a replay of the account's rows stored after it,
/// so it always equals the state as of the stored offset plus what that run scored since. Runs overlap after a
/// failure: a restarted pipeline's, or a new owner's, messages may overtake an ended run's still buffered in the
/// region, and a zombie may send on for a while. One shared state would then be reloaded back and forth, and each
/// reload would forget the other run's uncommitted work; the offset fencing decides which run's verdicts commit. The
/// last <see cref="MaxRuns"/> runs are kept. It hands out its state for a checkpoint every
/// <see cref="AccountSettings.CheckpointEvery"/> transactions. (A re-sent transaction whose original has left the
/// retained history is scored as new but not stored again, so a replay does not see it; it is then older than every
/// rule's window, so no verdict can tell.) It passivates when idle, but never while it holds the only copy of uncommitted state.
/// </summary>
internal sealed class AccountActor : UntypedActor, IWithStash, IWithTimers
{
    /// <summary>Epoch used when state is loaded for a query rather than for scoring; no scoring message carries it.</summary>
    private const long QueryEpoch = long.MinValue;

    private readonly string _accountId;
    private readonly IActorRef _checkpointLoader;
    private readonly RuleSetSource _rules;
    private readonly PartitionProgress _progress;
    private readonly AccountSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Runs held at once: the current one and the one it overlaps with after a failure.</summary>
    private const int MaxRuns = 2;

    /// <summary>Per epoch, most recently used last.</summary>
    private readonly List<(long Epoch, RunState Run)> _runs = [];
    private long _loadingEpoch;

    /// <summary>Set by every message that counts as activity; cleared by each <see cref="IdleCheck"/>.</summary>
    private bool _activeSinceIdleCheck;

    private sealed record RetryLoad : INoSerializationVerificationNeeded;

    /// <summary>One run's view of the account: its state and the last offset it scored (for safe passivation).</summary>
    private sealed class RunState(AccountState state, int sinceCheckpoint)
    {
        public AccountState State { get; } = state;

        public int Partition { get; set; } = -1;

        public long LastOffset { get; set; } = -1;

        public int SinceCheckpoint { get; set; } = sinceCheckpoint;
    }

    private sealed record IdleCheck : INoSerializationVerificationNeeded
    {
        public static readonly IdleCheck Instance = new();
    }

    public AccountActor(string accountId, IActorRef checkpointLoader, RuleSetSource rules, PartitionProgress progress, AccountSettings settings)
    {
        _accountId = accountId;
        _checkpointLoader = checkpointLoader;
        _rules = rules;
        _progress = progress;
        _settings = settings;
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string accountId, IActorRef checkpointLoader, RuleSetSource rules, PartitionProgress progress, AccountSettings settings) =>
        Akka.Actor.Props.Create(() => new AccountActor(accountId, checkpointLoader, rules, progress, settings));

    /// <summary>
    /// Idleness is checked by one periodic timer, not a receive timeout: Akka re-arms a receive timeout on every message
    /// (a scheduler registration and a cancellation per transaction, 4 % of all allocations in the end-to-end
    /// benchmark). An account passivates at the first check that saw no message since the one before, so after between
    /// one and two <see cref="AccountSettings.PassivateAfterIdle"/> of silence.
    /// </summary>
    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(IdleCheck), IdleCheck.Instance, _settings.PassivateAfterIdle);

    protected override void OnReceive(object message)
    {
        if (message is ScoreTransaction or GetAccountSummary)
        {
            _activeSinceIdleCheck = true;
        }

        switch (message)
        {
            case ScoreTransaction score when Run(score.Epoch) is { } run:
                var verdict = RuleEngine.Apply(run.State, score.Transaction, _rules.Current);
                run.Partition = score.Partition;
                run.LastOffset = score.Offset;
                Sender.Tell(new TransactionScored(score.CorrelationId, verdict, CheckpointIfDue(run)));
                break;
            case ScoreTransaction score:
                StartLoading(score.Epoch);
                Stash.Stash();
                break;
            case GetAccountSummary when _runs.Count == 0:
                StartLoading(QueryEpoch);
                Stash.Stash();
                break;
            case GetAccountSummary:
                Sender.Tell(Summary(_runs[^1].Run.State));
                break;
            case IdleCheck when _activeSinceIdleCheck:
                _activeSinceIdleCheck = false;
                break;
            case IdleCheck:
                PassivateIfSafe();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void StartLoading(long epoch)
    {
        _loadingEpoch = epoch;
        _checkpointLoader.Tell(new LoadCheckpoint(_accountId));
        Become(Loading);
    }

    private void Loading(object message)
    {
        switch (message)
        {
            case CheckpointLoaded loaded:
                var state = Restore(loaded.State);
                foreach (var transaction in loaded.Replay)
                {
                    RuleEngine.Apply(state, transaction, _rules.Current);
                }

                _runs.Add((_loadingEpoch, new RunState(state, loaded.Replay.Count)));
                if (_runs.Count > MaxRuns)
                {
                    _runs.RemoveAt(0);
                }

                Become(OnReceive);
                Stash.UnstashAll();
                break;
            case CheckpointLoadFailed failed:
                _log.Warning("Account {0}: checkpoint load failed ({1}); retrying in {2}", _accountId, failed.Reason, _settings.LoadRetryDelay);
                Timers.StartSingleTimer(nameof(RetryLoad), new RetryLoad(), _settings.LoadRetryDelay);
                break;
            case RetryLoad:
                _checkpointLoader.Tell(new LoadCheckpoint(_accountId));
                break;
            case IdleCheck:
                break;
            default:
                Stash.Stash();
                break;
        }
    }

    /// <summary>The run of this epoch, made the most recently used; null when this account has not loaded it.</summary>
    private RunState? Run(long epoch)
    {
        var index = _runs.FindIndex(r => r.Epoch == epoch);
        if (index < 0)
        {
            return null;
        }

        var entry = _runs[index];
        if (index != _runs.Count - 1)
        {
            _runs.RemoveAt(index);
            _runs.Add(entry);
        }

        return entry.Run;
    }

    private byte[]? CheckpointIfDue(RunState run)
    {
        if (++run.SinceCheckpoint < _settings.CheckpointEvery)
        {
            return null;
        }

        run.SinceCheckpoint = 0;
        return run.State.ToBytes();
    }

    private AccountState Restore(ReadOnlyMemory<byte>? bytes)
    {
        if (bytes is null)
        {
            return new AccountState();
        }

        try
        {
            return AccountState.FromBytes(bytes.Value.Span);
        }
        catch (FormatException exception)
        {
            // Checkpoints are written only by this code, so this means damage in the database. Scoring on with an empty
            // history is the lesser harm than stopping the partition; the error names the account for an operator.
            _log.Error(exception, "Account {0}: stored checkpoint ({1} bytes) is unreadable ({2}); continuing with empty history", _accountId, bytes.Value.Length, exception.Message);
            return new AccountState();
        }
    }

    private void PassivateIfSafe()
    {
        if (_runs.TrueForAll(r => r.Run.Partition < 0 || _progress.IsSafeToForget(r.Run.Partition, r.Epoch, r.Run.LastOffset)))
        {
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        }
    }

    private AccountSummary Summary(AccountState state) => new(
        _accountId,
        state.TransactionCount,
        state.RetainedCount,
        state.TransactionCount == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(state.FirstEventTimeMs),
        state.TransactionCount == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(state.MaxEventTimeMs));
}
