using Akka.Event;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// One source's consumer and the dedicated thread that polls it, as the stage and the control see them: start, stop,
/// shut down, and what can be observed from any thread. The consumer itself is a local of the thread procedure
/// (<see cref="Run"/>) and is lent only to <see cref="PollLoop"/> and the classes it drives, all on that thread:
/// nothing reachable from here holds it. The stage talks to the thread through the stop flags, the per-partition
/// buffer counters and <see cref="ProcessedOffsets"/>; the thread talks to the stage through async callbacks.
/// </summary>
internal sealed class KafkaConsumerWorker
{
    private readonly KafkaSettings _settings;
    private readonly IReadOnlyList<string> _topics;
    private readonly IKafkaOffsetStore _offsetStore;
    private readonly IKafkaPartitionListener? _listener;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ProcessedOffsets _processed = new();
    private readonly AssignedPartitions _partitions;
    private readonly KafkaSourceHealth _starting;
    private readonly Lock _lifecycle = new();

    private volatile bool _stopRequested;
    private volatile bool _shutdownRequested;
    private volatile PollLoop? _loop;
    private ILoggingAdapter _log = NoLogger.Instance;
    private Action<Exception> _fail = static _ => { };
    private Thread? _thread;

    public KafkaConsumerWorker(KafkaSettings settings, IReadOnlyList<string> topics, IKafkaOffsetStore offsetStore, IKafkaPartitionListener? listener, TimeProvider time)
    {
        _settings = settings;
        _topics = topics;
        _offsetStore = offsetStore;
        _listener = listener;
        _time = time;
        _partitions = new AssignedPartitions(_processed);
        _starting = KafkaSourceHealth.Starting(time.GetUtcNow());
    }

    public IReadOnlyCollection<TopicPartition> Assignment => _partitions.Published;

    /// <summary>Records buffered per assigned partition, right now.</summary>
    public IReadOnlyDictionary<TopicPartition, int> BufferedRecords => _partitions.BufferedRecords;

    /// <summary>The most records one partition ever had buffered in this source.</summary>
    public int PeakBufferedRecords => _partitions.PeakBufferedRecords;

    public KafkaSourceHealth Health => _loop?.Health ?? _starting;

    public Task Closed => _closed.Task;

    /// <summary>Whether the stage stopping on its own should shut the consumer down (not after a drain's stop).</summary>
    public bool StopRequested => _stopRequested;

    public void Start(ILoggingAdapter log, Action<List<KafkaRecord>> deliver, Action<Exception> fail, Action completeStage)
    {
        lock (_lifecycle)
        {
            if (_shutdownRequested)
            {
                _closed.TrySetResult();
                return;
            }

            (_log, _fail) = (log, fail);
            var stage = new SourceCallbacks(deliver, completeStage, () => _stopRequested, () => _shutdownRequested);
            _loop = new PollLoop(_settings, _offsetStore, _listener, _partitions, _processed, _starting, stage, _time, log);
            _thread = new Thread(Run) { IsBackground = true, Name = $"kafka-consumer-{_settings.GroupId}" };
            _thread.Start();
        }
    }

    public void RequestStop() => _stopRequested = true;

    public void RequestShutdown()
    {
        lock (_lifecycle)
        {
            _stopRequested = true;
            _shutdownRequested = true;
            if (_thread is null)
            {
                _closed.TrySetResult();
            }
        }
    }

    private void Run()
    {
        var loop = _loop!;
        IConsumer<byte[]?, byte[]?>? consumer = null;
        try
        {
            consumer = loop.BuildConsumer();
            consumer.Subscribe(_topics);
            _log.Info("Kafka source subscribed to {0} in group {1}", string.Join(",", _topics), _settings.GroupId);
            loop.PollUntilShutdown(consumer);
            loop.CommitOnShutdown(consumer);
        }
        catch (Exception e)
        {
            // Fail the stream first: closing may take a moment, and downstream should know at once.
            _log.Error(e, "Kafka source failed: {0}", e.Message);
            _fail(e);
        }
        finally
        {
            if (consumer is not null)
            {
                loop.Close(consumer);
                consumer.Dispose();
            }

            _partitions.PublishNone();
            _closed.TrySetResult();
        }
    }
}
