using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// One account: scores its transactions with the pure <see cref="RuleEngine"/>, one at a time, in the order they come.
/// Its state is loaded when it starts and whenever a new epoch of its partition begins (messages wait in the stash
/// meanwhile): the stored checkpoint plus a replay of the account's rows stored after it, so it always equals the state
/// as of the stored offset plus what it scored since. It hands out its state for a checkpoint every
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

    private AccountState? _state;
    private long _epoch = QueryEpoch;
    private long _loadingEpoch;
    private int _partition = -1;
    private long _lastOffset = -1;
    private int _sinceCheckpoint;

    /// <summary>Set by every message that counts as activity; cleared by each <see cref="IdleCheck"/>.</summary>
    private bool _activeSinceIdleCheck;

    private sealed record RetryLoad : INoSerializationVerificationNeeded;

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
            case ScoreTransaction score when _state is not null && score.Epoch == _epoch:
                var verdict = RuleEngine.Apply(_state, score.Transaction, _rules.Current);
                _partition = score.Partition;
                _lastOffset = score.Offset;
                Sender.Tell(new TransactionScored(score.CorrelationId, verdict, CheckpointIfDue()));
                break;
            case ScoreTransaction score:
                _partition = score.Partition;
                StartLoading(score.Epoch);
                Stash.Stash();
                break;
            case GetAccountSummary when _state is null:
                StartLoading(QueryEpoch);
                Stash.Stash();
                break;
            case GetAccountSummary:
                Sender.Tell(Summary(_state));
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
                _state = Restore(loaded.State);
                foreach (var transaction in loaded.Replay)
                {
                    RuleEngine.Apply(_state, transaction, _rules.Current);
                }

                _sinceCheckpoint = loaded.Replay.Count;
                _epoch = _loadingEpoch;
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

    private byte[]? CheckpointIfDue()
    {
        if (++_sinceCheckpoint < _settings.CheckpointEvery)
        {
            return null;
        }

        _sinceCheckpoint = 0;
        return _state!.ToBytes();
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
        if (_partition < 0 || _progress.IsSafeToForget(_partition, _epoch, _lastOffset))
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
