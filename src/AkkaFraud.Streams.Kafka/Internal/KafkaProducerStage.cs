using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// Produces each element and emits its delivery report in input order. Delivery reports arrive on librdkafka's
/// thread; they are recorded on the pending entry and the stage is woken by one coalesced async callback.
/// </summary>
internal sealed class KafkaProducerStage<TPassThrough> : GraphStage<FlowShape<ProducerMessage<TPassThrough>, ProducerResult<TPassThrough>>>
{
    private readonly KafkaProducerSettings _settings;
    private readonly Func<ILoggingAdapter, IProducer<byte[]?, byte[]?>> _producerFactory;
    private readonly bool _ownsProducer;

    public KafkaProducerStage(KafkaProducerSettings settings, Func<ILoggingAdapter, IProducer<byte[]?, byte[]?>> producerFactory, bool ownsProducer)
    {
        _settings = settings;
        _producerFactory = producerFactory;
        _ownsProducer = ownsProducer;
        Shape = new FlowShape<ProducerMessage<TPassThrough>, ProducerResult<TPassThrough>>(In, Out);
    }

    public Inlet<ProducerMessage<TPassThrough>> In { get; } = new("KafkaProducer.in");

    public Outlet<ProducerResult<TPassThrough>> Out { get; } = new("KafkaProducer.out");

    public override FlowShape<ProducerMessage<TPassThrough>, ProducerResult<TPassThrough>> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("kafkaProducer");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Pending(ProducerMessage<TPassThrough> message)
    {
        private volatile DeliveryReport<byte[]?, byte[]?>? _report;

        public ProducerMessage<TPassThrough> Message { get; } = message;

        /// <summary>The delivery report once it arrived (written by librdkafka's thread).</summary>
        public DeliveryReport<byte[]?, byte[]?>? Report
        {
            get => _report;
            set => _report = value;
        }
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string RetryTimer = "retry-produce";
        private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(10);

        private readonly KafkaProducerStage<TPassThrough> _stage;
        private readonly Queue<Pending> _inFlight = new();
        private IProducer<byte[]?, byte[]?>? _producer;
        private Action _wake = static () => { };
        private int _wakePending;
        private Pending? _notYetSent;
        private Pending? _failed;

        public Logic(KafkaProducerStage<TPassThrough> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            _producer = _stage._producerFactory(Log);
            _wake = GetAsyncCallback(OnDeliveries);
            Pull(_stage.In);
        }

        public void OnPush()
        {
            var pending = new Pending(Grab(_stage.In));
            _inFlight.Enqueue(pending);
            Send(pending);
            PullIfRoom();
        }

        public void OnUpstreamFinish() => CompleteIfDone();

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull() => OnDeliveries();

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        public override void PostStop()
        {
            if (_producer is null || !_stage._ownsProducer)
            {
                return;
            }

            try
            {
                var left = _producer.Flush(_stage._settings.CloseTimeout);
                if (left > 0)
                {
                    Log.Warning("Kafka producer closed with {0} records undelivered", left);
                }
            }
            finally
            {
                _producer.Dispose();
            }
        }

        protected override void OnTimer(object timerKey)
        {
            if (_notYetSent is { } pending)
            {
                _notYetSent = null;
                Send(pending);
                PullIfRoom();
            }
        }

        private void Send(Pending pending)
        {
            var record = pending.Message.Record;
            var message = new Message<byte[]?, byte[]?>
            {
                Key = record.Key,
                Value = record.Value,
                Headers = record.Headers,
                Timestamp = record.Timestamp is { } timestamp ? new Timestamp(timestamp) : Timestamp.Default,
            };
            try
            {
                if (record.Partition is { } partition)
                {
                    _producer!.Produce(new TopicPartition(record.Topic, new Partition(partition)), message, report => Delivered(pending, report));
                }
                else
                {
                    _producer!.Produce(record.Topic, message, report => Delivered(pending, report));
                }
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // librdkafka's queue is full: try again shortly, and take nothing new meanwhile.
                _notYetSent = pending;
                ScheduleOnce(RetryTimer, QueueFullBackoff);
            }
        }

        // On librdkafka's delivery-report thread.
        private void Delivered(Pending pending, DeliveryReport<byte[]?, byte[]?> report)
        {
            pending.Report = report;
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref _failed, pending, null);
            }

            if (Interlocked.Exchange(ref _wakePending, 1) == 0)
            {
                _wake();
            }
        }

        private void OnDeliveries()
        {
            Volatile.Write(ref _wakePending, 0);
            if (Volatile.Read(ref _failed) is { Report: { } failure })
            {
                FailStage(new ProduceException<byte[]?, byte[]?>(failure.Error, failure));
                return;
            }

            while (IsAvailable(_stage.Out) && _inFlight.TryPeek(out var head) && head.Report is { } report)
            {
                _inFlight.Dequeue();
                Push(_stage.Out, new ProducerResult<TPassThrough>(head.Message.Record, report.Partition.Value, report.Offset.Value, report.Timestamp, head.Message.PassThrough));
            }

            PullIfRoom();
            CompleteIfDone();
        }

        private void PullIfRoom()
        {
            if (_notYetSent is null && _inFlight.Count < _stage._settings.MaxInFlight && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In))
            {
                Pull(_stage.In);
            }
        }

        private void CompleteIfDone()
        {
            if (IsClosed(_stage.In) && _inFlight.Count == 0)
            {
                CompleteStage();
            }
        }
    }
}
