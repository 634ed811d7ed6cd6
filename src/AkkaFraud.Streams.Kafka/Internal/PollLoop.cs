using Akka.Event;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// The consumer's poll thread: builds the consumer with its callbacks, then polls in batches and hands each batch to
/// the stage, doing between polls what only this thread may do with the consumer (backpressure, retention gaps, the
/// advisory commit, health). Every class it drives gets the consumer as a call's argument and never keeps it: the
/// consumer lives in <see cref="KafkaConsumerWorker"/>'s thread procedure only.
/// </summary>
internal sealed class PollLoop
{
    private static readonly TimeSpan PausedPollTimeout = TimeSpan.FromMilliseconds(5);

    private readonly KafkaSettings _settings;
    private readonly KafkaConsumerSettings _options;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log;
    private readonly SourceCallbacks _stage;
    private readonly AssignedPartitions _partitions;
    private readonly PartitionBackpressure _backpressure;
    private readonly PartitionHolds _holds;
    private readonly RebalanceHandler _rebalance;
    private readonly RetentionGapResolver _gaps;
    private readonly AdvisoryCommitter _committer;
    private readonly BrokerHealthMonitor _health;
    private readonly LibRdKafkaLogBridge _librdkafkaLog;
    private readonly ConsumerCloser _closer;
    private bool _emittingStopped;
    private Exception? _fatal;

    public PollLoop(
        KafkaSettings settings,
        IKafkaOffsetStore offsetStore,
        IKafkaPartitionListener? listener,
        AssignedPartitions partitions,
        ProcessedOffsets processed,
        KafkaSourceHealth initialHealth,
        SourceCallbacks stage,
        TimeProvider time,
        ILoggingAdapter log)
    {
        _settings = settings;
        _options = settings.Consumer;
        _time = time;
        _log = log;
        _stage = stage;
        _partitions = partitions;
        var guard = new PartitionListenerGuard(listener, log);
        _backpressure = new PartitionBackpressure(_options, partitions);
        _holds = new PartitionHolds(partitions, _backpressure);
        _gaps = new RetentionGapResolver(partitions, guard, time, log);
        _committer = new AdvisoryCommitter(settings, partitions, processed, time, log);
        var startOffsets = new StartOffsetLoader(_options, offsetStore, stage.ShutdownRequested, time, log);
        _rebalance = new RebalanceHandler(_options, partitions, processed, startOffsets, _committer, _gaps, _holds, guard, log);
        _health = new BrokerHealthMonitor(_options, initialHealth, guard, time, log);
        _librdkafkaLog = new LibRdKafkaLogBridge(log);
        _closer = new ConsumerCloser(time, log);
    }

    public KafkaSourceHealth Health => _health.Current;

    public IConsumer<byte[]?, byte[]?> BuildConsumer() =>
        new ConsumerBuilder<byte[]?, byte[]?>(_settings.CreateConsumerConfig())
            .SetPartitionsAssignedHandler((_, partitions) => _rebalance.OnAssigned(partitions))
            .SetPartitionsRevokedHandler((consumer, partitions) => _rebalance.OnRevoked(consumer, partitions, lost: false))
            .SetPartitionsLostHandler((consumer, partitions) => _rebalance.OnRevoked(consumer, partitions, lost: true))
            .SetErrorHandler((_, error) => OnError(error))
            .SetStatisticsHandler((_, json) => _health.OnStatistics(json))
            .SetLogHandler((_, message) => _librdkafkaLog.Forward(message))
            .Build();

    public void PollUntilShutdown(IConsumer<byte[]?, byte[]?> consumer)
    {
        var batch = new List<KafkaRecord>(_options.MaxBatchSize);
        while (!_stage.ShutdownRequested())
        {
            if (_stage.StopRequested() && !_emittingStopped)
            {
                _emittingStopped = true;
                _log.Info("Kafka source stops emitting; the consumer stays in its group until shutdown");
                _stage.CompleteStage();
            }

            var now = _time.GetTimestamp();
            _backpressure.Apply(consumer, _emittingStopped);
            _gaps.Resolve(consumer, now);
            _committer.CommitIfDue(consumer, now);
            _health.Update(now);

            ConsumeBatch(consumer, batch);
            if (_fatal is not null)
            {
                throw _fatal;
            }

            if (batch.Count > 0)
            {
                if (!_emittingStopped)
                {
                    _stage.Deliver(batch);
                    batch = new List<KafkaRecord>(_options.MaxBatchSize);
                }
                else
                {
                    batch.Clear();
                }
            }
        }
    }

    /// <inheritdoc cref="AdvisoryCommitter.CommitOnShutdown"/>
    public void CommitOnShutdown(IConsumer<byte[]?, byte[]?> consumer) => _committer.CommitOnShutdown(consumer);

    /// <inheritdoc cref="ConsumerCloser.Close"/>
    public void Close(IConsumer<byte[]?, byte[]?> consumer) => _closer.Close(consumer);

    /// <summary>Polls until a batch is full or no record is ready; the first poll may wait, the rest do not.</summary>
    private void ConsumeBatch(IConsumer<byte[]?, byte[]?> consumer, List<KafkaRecord> batch)
    {
        var timeout = _emittingStopped || _backpressure.AnyPaused ? PausedPollTimeout : _options.PollTimeout;
        while (batch.Count < _options.MaxBatchSize)
        {
            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = consumer.Consume(timeout);
            }
            catch (ConsumeException e)
            {
                OnConsumeError(e);
                return;
            }

            // An assignment happens inside Consume: its holds must pause before more of its records are fetched.
            _holds.Apply(consumer, batch, _emittingStopped);
            if (result is null)
            {
                return;
            }

            timeout = TimeSpan.Zero;
            if (!_partitions.TryGet(result.TopicPartition, out var state))
            {
                _log.Debug("Kafka source dropped {0}: its partition is not assigned", result.TopicPartitionOffset);
                continue;
            }

            var record = new KafkaRecord(result, state);
            if (PartitionHolds.Keep(state, record))
            {
                continue;
            }

            batch.Add(record);
            _backpressure.OnBuffered(consumer, state);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            _log.Error("Kafka source fatal error: {0} ({1})", error.Reason, error.Code);
            _fatal ??= new KafkaException(error);
            return;
        }

        _health.OnError(error);
    }

    private void OnConsumeError(ConsumeException e)
    {
        if (_gaps.TryTake(e))
        {
            return;
        }

        if (e.Error.IsFatal)
        {
            _fatal = new KafkaException(e.Error);
            return;
        }

        _log.Warning("Kafka source consume error: {0} ({1})", e.Error.Reason, e.Error.Code);
    }
}
