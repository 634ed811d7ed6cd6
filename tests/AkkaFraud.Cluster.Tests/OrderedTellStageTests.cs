using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit.Xunit;
using AkkaFraud.Cluster.Pipeline;

namespace AkkaFraud.Cluster.Tests;

public sealed class Ordered_tell_stage : TestKit
{
    private sealed record Request(long Id, int Value);

    private sealed record Reply(long Id, int Value);

    /// <summary>Holds requests until it has <c>hold</c> of them (or the stream has no more), then answers them newest first.</summary>
    private sealed class ReversingResponder : ReceiveActor
    {
        private readonly List<(IActorRef Sender, Request Request)> _held = [];

        public ReversingResponder(int hold, int[] maxOutstanding)
        {
            Receive<Request>(request =>
            {
                _held.Add((Sender, request));
                maxOutstanding[0] = Math.Max(maxOutstanding[0], _held.Count);
                if (_held.Count >= hold || request.Value < 0)
                {
                    for (var i = _held.Count - 1; i >= 0; i--)
                    {
                        _held[i].Sender.Tell(new Reply(_held[i].Request.Id, _held[i].Request.Value * 10));
                    }

                    _held.Clear();
                }
            });
        }
    }

    private static OrderedTellStage<int, int> Stage(IActorRef target, int maxInFlight, TimeSpan? timeout = null) => new(
        target,
        maxInFlight,
        timeout ?? TimeSpan.FromSeconds(30),
        request: (value, id) => value % 7 == 0 ? null : new Request(id, value),
        correlationOf: reply => reply is Reply r ? r.Id : null,
        complete: (value, reply) => reply is Reply r ? r.Value : -value);

    [Fact]
    public async Task Results_leave_in_input_order_whatever_order_the_replies_come_in()
    {
        var maxOutstanding = new int[1];
        var responder = Sys.ActorOf(Props.Create(() => new ReversingResponder(8, maxOutstanding)));
        var input = Enumerable.Range(1, 1000).Append(-1).ToList(); // -1 flushes the responder's last few

        var output = await Source.From(input).Via(Stage(responder, maxInFlight: 16)).RunWith(Sink.Seq<int>(), Sys.Materializer());

        Assert.Equal(input.Select(v => v % 7 == 0 ? -v : v * 10), output);
    }

    [Fact]
    public async Task Never_more_requests_outstanding_than_the_window()
    {
        var maxOutstanding = new int[1];
        var responder = Sys.ActorOf(Props.Create(() => new ReversingResponder(50, maxOutstanding)));
        var input = Enumerable.Range(1, 500).Where(v => v % 7 != 0).ToList();

        // The responder answers only once it holds 50 requests; with a window of 10 it never gets there: it sees
        // exactly 10, nothing more is sent, and the stage's reply timeout ends the run.
        var stage = Stage(responder, maxInFlight: 10, timeout: TimeSpan.FromMilliseconds(500));
        var run = Source.From(input).Via(stage).RunWith(Sink.Seq<int>(), Sys.Materializer());

        await Assert.ThrowsAsync<TimeoutException>(() => run);
        Assert.Equal(10, maxOutstanding[0]);
    }

    [Fact]
    public async Task A_missing_reply_fails_the_stream_with_a_timeout_that_names_the_target()
    {
        var silent = Sys.ActorOf(Props.Create(() => new ReversingResponder(int.MaxValue, new int[1])), "silent");

        var run = Source.From([1, 2, 3]).Via(Stage(silent, 4, TimeSpan.FromMilliseconds(300))).RunWith(Sink.Seq<int>(), Sys.Materializer());

        var error = await Assert.ThrowsAsync<TimeoutException>(() => run);
        Assert.Contains("silent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Elements_that_need_no_actor_pass_through_in_order()
    {
        var output = await Source.From([7, 14, 21]).Via(Stage(ActorRefs.Nobody, 2)).RunWith(Sink.Seq<int>(), Sys.Materializer());

        Assert.Equal([-7, -14, -21], output);
    }
}
