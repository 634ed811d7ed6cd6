using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using AkkaFraud.Cluster;
using AkkaFraud.Domain;
using AkkaFraud.Node.Contracts;

namespace AkkaFraud.Node.Live;

/// <summary>
/// The web node's end of the backplane: subscribes to the committed alerts and the scorers' stats reports
/// (DistributedPubSub, so every web node sees every scorer node's output) and to cluster membership, and hands them to
/// <see cref="LiveClients"/> (enqueue only). Once a second it publishes the cluster-wide metrics snapshot.
/// </summary>
internal sealed class LiveFeedActor : ReceiveActor, IWithTimers
{
    private readonly LiveClients _clients;
    private readonly MetricsAggregator _metrics;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<Address, Member> _members = [];
    private readonly HashSet<Address> _unreachable = [];
    private Address? _leader;

    private sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }

    public LiveFeedActor(LiveClients clients, MetricsAggregator metrics, TimeProvider clock)
    {
        _clients = clients;
        _metrics = metrics;
        _clock = clock;

        Receive<FraudAlert>(alert =>
        {
            _metrics.OnAlert(alert);
            _clients.Broadcast(AlertDto.From(alert, _clock.GetUtcNow()));
        });
        Receive<ScorerStatsReport>(_metrics.OnReport);
        Receive<Tick>(_ => _clients.Broadcast(_metrics.Snapshot()));
        Receive<SubscribeAck>(ack => _log.Info("Live feed subscribed to {0}", ack.Subscribe.Topic));
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            _members.Clear();
            foreach (var member in state.Members)
            {
                _members[member.Address] = member;
            }

            _unreachable.Clear();
            _unreachable.UnionWith(state.Unreachable.Select(m => m.Address));
            _leader = state.Leader;
            PublishMembers();
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            _members.Remove(removed.Member.Address);
            _unreachable.Remove(removed.Member.Address);
            _metrics.OnNodeRemoved(removed.Member.Address.ToString());
            PublishMembers();
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            _members[e.Member.Address] = e.Member;
            PublishMembers();
        });
        Receive<ClusterEvent.UnreachableMember>(e =>
        {
            _unreachable.Add(e.Member.Address);
            PublishMembers();
        });
        Receive<ClusterEvent.ReachableMember>(e =>
        {
            _unreachable.Remove(e.Member.Address);
            PublishMembers();
        });
        Receive<ClusterEvent.LeaderChanged>(e =>
        {
            _leader = e.Leader;
            PublishMembers();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(LiveClients clients, MetricsAggregator metrics, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new LiveFeedActor(clients, metrics, clock));

    protected override void PreStart()
    {
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(LiveTopics.Alerts, Self));
        mediator.Tell(new Subscribe(ScorerStatsReport.Topic, Self));
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(
            Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));
        Timers.StartPeriodicTimer("metrics", Tick.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void PublishMembers() => _clients.Broadcast(Membership.Describe(_members.Values, _unreachable, _leader));
}
