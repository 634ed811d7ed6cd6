using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// One account: scores its transactions with the pure <see cref="RuleEngine"/>, one at a time, in the order they come.
/// Its state is loaded from the stored checkpoint when it starts and whenever a new epoch of its partition begins
/// (messages wait in the stash meanwhile), so it always equals the state as of the stored offset plus what it scored
/// since. It passivates when idle, but never while it holds the only copy of uncommitted state.
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

    private sealed record RetryLoad : INoSerializationVerificationNeeded;

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

    protected override void PreStart() => Context.SetReceiveTimeout(_settings.PassivateAfterIdle);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ScoreTransaction score when _state is not null && score.Epoch == _epoch:
                var verdict = RuleEngine.Apply(_state, score.Transaction, _rules.Current);
                _partition = score.Partition;
                _lastOffset = score.Offset;
                Sender.Tell(new TransactionScored(score.CorrelationId, verdict, _state.ToBytes()));
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
            case ReceiveTimeout:
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
            case ReceiveTimeout:
                break;
            default:
                Stash.Stash();
                break;
        }
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
