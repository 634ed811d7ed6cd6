using Akka.Streams;
using Akka.Streams.Stage;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// The stream side of a source: a FIFO of the batches the poll thread hands over, emitted one per pull. It holds no
/// more than the per-partition high-water mark of any partition (the poll thread pauses a partition there, and
/// resumes it when the stage has emitted half), and it drops records of revoked partitions instead of emitting them.
/// </summary>
internal sealed class KafkaSourceStage : GraphStageWithMaterializedValue<SourceShape<KafkaRecord>, KafkaConsumerControl>
{
    private readonly KafkaSettings _settings;
    private readonly IReadOnlyList<string> _topics;
    private readonly IKafkaOffsetStore _offsetStore;
    private readonly IKafkaPartitionListener? _listener;
    private readonly TimeProvider _time;

    public KafkaSourceStage(KafkaSettings settings, IReadOnlyList<string> topics, IKafkaOffsetStore offsetStore, IKafkaPartitionListener? listener, TimeProvider time)
    {
        _settings = settings;
        _topics = topics;
        _offsetStore = offsetStore;
        _listener = listener;
        _time = time;
        Shape = new SourceShape<KafkaRecord>(Out);
    }

    public Outlet<KafkaRecord> Out { get; } = new("KafkaSource.out");

    public override SourceShape<KafkaRecord> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("kafkaSource");

    public override ILogicAndMaterializedValue<KafkaConsumerControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var worker = new KafkaConsumerWorker(_settings, _topics, _offsetStore, _listener, _time);
        return new LogicAndMaterializedValue<KafkaConsumerControl>(new Logic(this, worker), new KafkaConsumerControl(worker));
    }

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly KafkaSourceStage _stage;
        private readonly KafkaConsumerWorker _worker;
        private readonly Queue<KafkaRecord> _buffer = new();

        public Logic(KafkaSourceStage stage, KafkaConsumerWorker worker)
            : base(stage.Shape)
        {
            _stage = stage;
            _worker = worker;
            SetHandler(stage.Out, this);
        }

        protected override object LogSource => $"KafkaSource({_stage._settings.GroupId})";

        public override void PreStart() =>
            _worker.Start(
                Log,
                GetAsyncCallback<List<KafkaRecord>>(OnBatch),
                GetAsyncCallback<Exception>(FailStage),
                GetAsyncCallback(OnStopEmitting));

        public override void OnPull() => EmitNext();

        public override void PostStop()
        {
            // Without a drain (downstream cancelled, a failure) nothing will shut the consumer down but us. After a
            // drain's stop the consumer stays until DrainAndShutdownAsync has let the in-flight work commit.
            if (!_worker.StopRequested)
            {
                _worker.RequestShutdown();
            }

            foreach (var record in _buffer)
            {
                Interlocked.Decrement(ref record.State!.Buffered);
            }

            _buffer.Clear();
        }

        private void OnBatch(List<KafkaRecord> batch)
        {
            foreach (var record in batch)
            {
                _buffer.Enqueue(record);
            }

            EmitNext();
        }

        private void EmitNext()
        {
            while (IsAvailable(_stage.Out) && _buffer.TryDequeue(out var record))
            {
                var state = record.State!;
                Interlocked.Decrement(ref state.Buffered);
                if (!state.Revoked)
                {
                    Push(_stage.Out, record);
                }
            }
        }

        private void OnStopEmitting() => CompleteStage();
    }
}
