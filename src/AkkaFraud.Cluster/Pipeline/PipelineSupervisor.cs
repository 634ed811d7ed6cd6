using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// Keeps this node's pipeline running: starts it, and when it fails (a fenced batch, the warehouse or Kafka gone for
/// longer than their retries, an account that does not answer) closes the consumer and starts a fresh run after a
/// backoff. A fresh run re-reads every assigned partition's stored offset and gives it a new epoch, so accounts reload
/// their checkpoints: restarting is always correct. On shutdown it drains: stops reading, lets every record already
/// read be written and committed, then leaves the consumer group.
/// </summary>
internal sealed class PipelineSupervisor : ReceiveActor
{
    private readonly FraudSettings _settings;
    private readonly KafkaSettings _kafka;
    private readonly IPipelineStore _store;
    private readonly KafkaClusterIdentity _cluster;
    private readonly IActorRef _accountRegion;
    private readonly PartitionProgress _progress;
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly IActorRef _mediator;
    private readonly TimeProvider _clock;
    private readonly PipelineStats _stats;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RunningPipeline? _running;
    private TimeSpan _backoff;
    private DateTimeOffset _startedAt;
    private bool _stopping;

    // Local control messages of this actor; never on the wire.
    private sealed record RunEnded(RunningPipeline Run, Exception? Failure) : INoSerializationVerificationNeeded;

    private sealed record StartRun : INoSerializationVerificationNeeded;

    /// <summary>Drain and stop; answered with <see cref="Done"/> when the consumer is closed.</summary>
    public sealed record Drain : INoSerializationVerificationNeeded
    {
        public static Drain Instance { get; } = new();
    }

    public PipelineSupervisor(
        FraudSettings settings, KafkaSettings kafka, IPipelineStore store, KafkaClusterIdentity cluster, IActorRef accountRegion,
        PartitionProgress progress, IProducer<byte[]?, byte[]?> producer, IActorRef mediator, TimeProvider clock, PipelineStats stats)
    {
        _settings = settings;
        _kafka = kafka;
        _store = store;
        _cluster = cluster;
        _accountRegion = accountRegion;
        _progress = progress;
        _producer = producer;
        _mediator = mediator;
        _clock = clock;
        _stats = stats;
        _backoff = settings.MinRestartBackoff;

        Receive<StartRun>(_ => Start());
        Receive<RunEnded>(OnRunEnded);
        ReceiveAsync<Drain>(async _ =>
        {
            _stopping = true;
            if (_running is { } running)
            {
                _log.Info("Draining the pipeline: finishing the records already read, then leaving the consumer group");
                try
                {
                    await running.Control.DrainAndShutdownAsync(running.Completion);
                }
                catch (Exception exception)
                {
                    _log.Warning("The pipeline failed while draining: {0}", exception.Message);
                }
            }

            _stats.SetState(PipelineState.Stopped);
            Sender.Tell(Done.Instance);
        });
    }

    public static Props Props(
        FraudSettings settings, KafkaSettings kafka, IPipelineStore store, KafkaClusterIdentity cluster, IActorRef accountRegion,
        PartitionProgress progress, IProducer<byte[]?, byte[]?> producer, IActorRef mediator, TimeProvider clock, PipelineStats stats) =>
        Akka.Actor.Props.Create(() => new PipelineSupervisor(settings, kafka, store, cluster, accountRegion, progress, producer, mediator, clock, stats));

    protected override void PreStart() => Self.Tell(new StartRun());

    protected override void PostStop()
    {
        // Not drained (the actor system is going down hard): at least leave the group so partitions move at once.
        _running?.Control.ShutdownAsync();
    }

    private void Start()
    {
        if (_stopping)
        {
            return;
        }

        var lifecycle = new PartitionLifecycle(_progress, new ShardsFollowPartitions(Context.System, _accountRegion, _progress, _log), _store, _cluster, _stats, _clock, _log);
        var writer = new BatchWriter(_store, _cluster, _progress, _producer, _kafka, _clock, _log);
        var marker = new CommitMarker(_progress, _mediator, _clock, _stats);
        _startedAt = _clock.GetUtcNow();
        var running = ScoringPipeline.Run(_settings, _kafka, _progress, new WarehouseOffsetStore(_store, _cluster, _kafka.GroupId), lifecycle, writer, marker, _accountRegion, _clock, _stats, Context.Materializer());
        _running = running;
        _stats.SetState(PipelineState.Running);
        running.Completion.ContinueWith(t => new RunEnded(running, t.Exception?.GetBaseException()), TaskScheduler.Default).PipeTo(Self);
        _log.Info("Pipeline started on topic {0} as group {1}", _kafka.TransactionsTopic, _kafka.GroupId);
    }

    private void OnRunEnded(RunEnded ended)
    {
        if (!ReferenceEquals(ended.Run, _running) || _stopping)
        {
            return;
        }

        if (ended.Failure is null)
        {
            _log.Info("Pipeline completed");
            _stats.SetState(PipelineState.Stopped);
            return;
        }

        // A run that had worked for a while starts over with the shortest backoff.
        _backoff = _clock.GetUtcNow() - _startedAt > TimeSpan.FromMinutes(1) ? _settings.MinRestartBackoff : _backoff;
        PipelineMetrics.Restarts.Add(1);
        _stats.SetState(PipelineState.Restarting);
        _log.Warning("Pipeline failed ({0}: {1}); restarting from the stored offsets in {2}", ended.Failure.GetType().Name, ended.Failure.Message, _backoff);
        var delay = _backoff;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _settings.MaxRestartBackoff.Ticks));
        // Close the failed run's consumer first (leaving the group lets the partitions move), then wait the backoff.
        var self = Self;
        var scheduler = Context.System.Scheduler;
        ended.Run.Control.ShutdownAsync().ContinueWith(
            _ => scheduler.ScheduleTellOnce(delay, self, new StartRun(), ActorRefs.NoSender), TaskScheduler.Default);
    }
}
