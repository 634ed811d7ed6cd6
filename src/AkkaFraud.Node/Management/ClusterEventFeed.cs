using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using AkkaFraud.Node.Contracts;

namespace AkkaFraud.Node.Management;

/// <summary>
/// The events one listener of <c>GET /api/cluster/events</c> receives: the cluster's domain events, as this node sees
/// them, through an actor subscribed for the listener's lifetime; and partition moves, from the members' agents asked
/// once a second while the listener stays. Both start with the current state as events.
/// </summary>
internal sealed class ClusterEventFeed(ActorSystem system, ClusterManagement management, TimeProvider clock)
{
    public const string PartitionMoved = "PartitionMoved";
    private const int Buffer = 1_000;

    public static IReadOnlyList<string> Types { get; } =
    [
        "MemberJoined", "MemberUp", "MemberLeft", "MemberExited", "MemberDowned", "MemberRemoved",
        "UnreachableMember", "ReachableMember", "LeaderChanged", PartitionMoved,
    ];

    public async IAsyncEnumerable<ClusterEventDto> ListenAsync(IReadOnlySet<string> types, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A listener that does not keep up loses the oldest events, not the node's memory.
        var events = Channel.CreateBounded<ClusterEventDto>(new BoundedChannelOptions(Buffer) { FullMode = BoundedChannelFullMode.DropOldest });
        var subscriber = system.ActorOf(Subscriber.Props(events.Writer, clock));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var moves = types.Contains(PartitionMoved) ? WatchPartitionsAsync(events.Writer, stop.Token) : Task.CompletedTask;
        try
        {
            await foreach (var e in events.Reader.ReadAllAsync(cancellationToken))
            {
                if (types.Contains(e.Type))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            system.Stop(subscriber);
            await moves.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task WatchPartitionsAsync(ChannelWriter<ClusterEventDto> events, CancellationToken cancellationToken)
    {
        var owners = new Dictionary<int, string>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        do
        {
            var now = (await management.PartitionOwnersAsync(cancellationToken)).ToDictionary();
            foreach (var partition in owners.Keys.Union(now.Keys).Order())
            {
                var (from, to) = (owners.GetValueOrDefault(partition), now.GetValueOrDefault(partition));
                if (from != to)
                {
                    events.TryWrite(new ClusterEventDto(PartitionMoved, clock.GetUtcNow(), Move: new PartitionMoveDto(partition, from, to)));
                }
            }

            owners = now;
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private sealed class Subscriber : ReceiveActor
    {
        public Subscriber(ChannelWriter<ClusterEventDto> events, TimeProvider clock)
        {
            void Member(string type, Akka.Cluster.Member member) => events.TryWrite(new ClusterEventDto(type, clock.GetUtcNow(), new EventMemberDto(
                member.Address.ToString(), member.UniqueAddress.Uid.ToString(CultureInfo.InvariantCulture), member.Status.ToString(), [.. member.Roles.Order(StringComparer.Ordinal)])));

            Receive<ClusterEvent.MemberJoined>(e => Member("MemberJoined", e.Member));
            Receive<ClusterEvent.MemberUp>(e => Member("MemberUp", e.Member));
            Receive<ClusterEvent.MemberLeft>(e => Member("MemberLeft", e.Member));
            Receive<ClusterEvent.MemberExited>(e => Member("MemberExited", e.Member));
            Receive<ClusterEvent.MemberDowned>(e => Member("MemberDowned", e.Member));
            Receive<ClusterEvent.MemberRemoved>(e => Member("MemberRemoved", e.Member));
            Receive<ClusterEvent.UnreachableMember>(e => Member("UnreachableMember", e.Member));
            Receive<ClusterEvent.ReachableMember>(e => Member("ReachableMember", e.Member));
            Receive<ClusterEvent.LeaderChanged>(e => events.TryWrite(new ClusterEventDto("LeaderChanged", clock.GetUtcNow(), Leader: e.Leader?.ToString())));
            ReceiveAny(_ => { });
        }

        public static Props Props(ChannelWriter<ClusterEventDto> events, TimeProvider clock) => Akka.Actor.Props.Create(() => new Subscriber(events, clock));

        protected override void PreStart() => Akka.Cluster.Cluster.Get(Context.System).Subscribe(
            Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));

        protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }
}
