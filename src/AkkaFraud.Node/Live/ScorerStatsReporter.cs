using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using AkkaFraud.Cluster.Pipeline;

namespace AkkaFraud.Node.Live;

/// <summary>
/// On scorer nodes: once a second, this node's pipeline activity of the last second, published to the web nodes. An
/// idle node reports zeros, so the web nodes still count it among the scorers.
/// </summary>
internal sealed class ScorerStatsReporter : ReceiveActor, IWithTimers
{
    private sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }

    public ScorerStatsReporter(PipelineStats stats, TimeProvider clock)
    {
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        Receive<Tick>(_ => mediator.Tell(new Publish(ScorerStatsReport.Topic, ScorerStatsReport.From(node, clock.GetUtcNow(), stats.TakeWindow()))));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PipelineStats stats, TimeProvider clock) => Akka.Actor.Props.Create(() => new ScorerStatsReporter(stats, clock));

    protected override void PreStart() => Timers.StartPeriodicTimer("report", Tick.Instance, TimeSpan.FromSeconds(1));
}
