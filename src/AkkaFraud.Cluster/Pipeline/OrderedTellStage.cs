using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// The stream's hop into the actors. For each element it tells <c>target</c> a request carrying a correlation id,
/// with the stage's own actor as sender, and emits the results in input order as the replies come back. At most
/// <c>maxInFlight</c> requests are outstanding (that window is the whole buffer of the stage, so it backpressures).
/// Measured here, this is ~5x the rate of per-element <c>Ask</c> through a shard region, which allocates a temporary
/// actor and a task per message. Elements that need no actor (the request factory returns null) pass through in order.
/// A reply that does not arrive within <c>replyTimeout</c> fails the stage: the pipeline then restarts from the
/// stored offsets, which is always correct, instead of guessing whether the request was applied.
/// </summary>
internal sealed class OrderedTellStage<TIn, TOut> : GraphStage<FlowShape<TIn, TOut>>
{
    private readonly IActorRef _target;
    private readonly int _maxInFlight;
    private readonly TimeSpan _replyTimeout;
    private readonly Func<TIn, long, object?> _request;
    private readonly Func<object, long?> _correlationOf;
    private readonly Func<TIn, object?, TOut> _complete;

    public OrderedTellStage(
        IActorRef target,
        int maxInFlight,
        TimeSpan replyTimeout,
        Func<TIn, long, object?> request,
        Func<object, long?> correlationOf,
        Func<TIn, object?, TOut> complete)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _target = target;
        _maxInFlight = maxInFlight;
        _replyTimeout = replyTimeout;
        _request = request;
        _correlationOf = correlationOf;
        _complete = complete;
        Shape = new FlowShape<TIn, TOut>(In, Out);
    }

    public Inlet<TIn> In { get; } = new("OrderedTell.in");

    public Outlet<TOut> Out { get; } = new("OrderedTell.out");

    public override FlowShape<TIn, TOut> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("ordered-tell");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string TimeoutTimer = "reply-timeout";

        private readonly OrderedTellStage<TIn, TOut> _stage;
        private readonly Slot[] _slots;
        private long _head;     // correlation id of the oldest element not yet emitted
        private long _next;     // correlation id the next element gets
        private StageActor? _self;

        private struct Slot
        {
            public TIn Input;
            public bool Done;
            public TOut Output;
            public long SentAtMs;
        }

        public Logic(OrderedTellStage<TIn, TOut> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _slots = new Slot[stage._maxInFlight];
            SetHandler(stage.In, onPush: OnPush, onUpstreamFinish: () =>
            {
                if (_head == _next)
                {
                    CompleteStage();
                }
            });
            SetHandler(stage.Out, onPull: TryEmit);
        }

        private int InFlight => (int)(_next - _head);

        public override void PreStart()
        {
            _self = GetStageActor(OnReply);
            ScheduleRepeatedly(TimeoutTimer, TimeSpan.FromTicks(Math.Max(_stage._replyTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond)));
            Pull(_stage.In);
        }

        private void OnPush()
        {
            var input = Grab(_stage.In);
            var id = _next++;
            ref var slot = ref _slots[id % _slots.Length];
            slot.Input = input;
            slot.SentAtMs = Environment.TickCount64;
            var request = _stage._request(input, id);
            if (request is null)
            {
                slot.Done = true;
                slot.Output = _stage._complete(input, null);
            }
            else
            {
                slot.Done = false;
                slot.Output = default!;
                _stage._target.Tell(request, _self!.Ref);
            }

            TryEmit();
            PullIfRoom();
        }

        private void OnReply((IActorRef Sender, object Message) envelope)
        {
            if (_stage._correlationOf(envelope.Message) is not { } id || id < _head || id >= _next)
            {
                return; // a reply to an element of a failed or finished run: nothing waits for it
            }

            ref var slot = ref _slots[id % _slots.Length];
            if (slot.Done)
            {
                return;
            }

            slot.Done = true;
            slot.Output = _stage._complete(slot.Input, envelope.Message);
            slot.Input = default!;
            TryEmit();
        }

        private void TryEmit()
        {
            if (_head == _next || !IsAvailable(_stage.Out))
            {
                return;
            }

            ref var slot = ref _slots[_head % _slots.Length];
            if (!slot.Done)
            {
                return;
            }

            var output = slot.Output;
            slot.Output = default!;
            slot.Input = default!;
            _head++;
            Push(_stage.Out, output);
            if (IsClosed(_stage.In) && _head == _next)
            {
                CompleteStage();
                return;
            }

            PullIfRoom();
        }

        private void PullIfRoom()
        {
            if (InFlight < _slots.Length && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In))
            {
                Pull(_stage.In);
            }
        }

        protected override void OnTimer(object timerKey)
        {
            if (_head == _next)
            {
                return;
            }

            ref var oldest = ref _slots[_head % _slots.Length];
            var waitedMs = Environment.TickCount64 - oldest.SentAtMs;
            if (!oldest.Done && waitedMs > _stage._replyTimeout.TotalMilliseconds)
            {
                FailStage(new TimeoutException(
                    $"No reply from {_stage._target.Path} for {waitedMs} ms (limit {_stage._replyTimeout.TotalMilliseconds} ms); {InFlight} requests in flight."));
            }
        }
    }
}
