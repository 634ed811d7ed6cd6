using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using AkkaFraud.Cluster;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Cluster.Pipeline;

namespace AkkaFraud.Node.Management;

/// <summary>Asks a node's <see cref="NodeAgent"/> what it is doing; answered with a <see cref="NodeDescription"/>.</summary>
public sealed record DescribeNode
{
    public static DescribeNode Instance { get; } = new();
}

/// <summary>
/// What one node reports about itself: its pipeline, the Kafka partitions it owns, the account shards it hosts with
/// their entity counts (<see cref="ShardsKnown"/> is false when its region did not answer in time), the members its
/// own failure detector cannot reach, and its rates over the last few seconds.
/// </summary>
public sealed record NodeDescription(
    string Node,
    string? Pipeline,
    IReadOnlyList<int> Partitions,
    bool ShardsKnown,
    IReadOnlyList<HostedShard> Shards,
    IReadOnlyList<string> Unreachable,
    double TransactionsPerSecond,
    double? BatchWriteMs);

public readonly record struct HostedShard(string ShardId, int Entities);

/// <summary>
/// One per node, at <see cref="Name"/> under /user, so that a web node can ask every member in turn (the management
/// API's view of the whole cluster). Samples its node's counters once a second for the rates it reports.
/// </summary>
internal sealed class NodeAgent : ReceiveActor, IWithTimers
{
    public const string Name = "node-agent";

    private static readonly TimeSpan RegionTimeout = TimeSpan.FromSeconds(2);
    private const int Samples = 6;

    private readonly Queue<(DateTimeOffset At, long Scored, long Batches, double WriteMs)> _samples = new();
    private readonly PipelineStats? _stats;
    private readonly PartitionProgress? _progress;
    private readonly IRequiredActor<AccountRegion>? _region;
    private readonly TimeProvider _clock;

    private sealed record Sample
    {
        public static Sample Instance { get; } = new();
    }

    public NodeAgent(PipelineStats? stats, PartitionProgress? progress, IRequiredActor<AccountRegion>? region, TimeProvider clock)
    {
        (_stats, _progress, _region, _clock) = (stats, progress, region, clock);
        Receive<Sample>(_ => TakeSample());
        ReceiveAsync<DescribeNode>(_ => DescribeAsync(Sender));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The agent of the node at <paramref name="node"/>. A path, because each node has its own agent and no registry spans nodes.</summary>
    public static ActorPath PathOn(Address node) => new RootActorPath(node) / "user" / Name;

    /// <summary>Scorer nodes pass their pipeline's parts; web-only nodes pass nulls and describe their membership view only.</summary>
    public static Props Props(PipelineStats? stats, PartitionProgress? progress, IRequiredActor<AccountRegion>? region, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new NodeAgent(stats, progress, region, clock));

    protected override void PreStart()
    {
        TakeSample();
        Timers.StartPeriodicTimer("sample", Sample.Instance, TimeSpan.FromSeconds(1));
    }

    private void TakeSample()
    {
        if (_stats is null)
        {
            return;
        }

        var (batches, writeMs) = _stats.BatchWrites;
        _samples.Enqueue((_clock.GetUtcNow(), _stats.Scored, batches, writeMs));
        while (_samples.Count > Samples)
        {
            _samples.Dequeue();
        }
    }

    private async Task DescribeAsync(IActorRef replyTo)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var detector = cluster.FailureDetector;
        var unreachable = cluster.State.Members
            .Where(m => m.Address != cluster.SelfAddress && detector.IsMonitoring(m.Address) && !detector.IsAvailable(m.Address))
            .Select(m => m.Address.ToString())
            .Order(StringComparer.Ordinal)
            .ToList();
        var (shardsKnown, shards) = await HostedShardsAsync();
        var (rate, writeMs) = Rates();
        replyTo.Tell(new NodeDescription(
            cluster.SelfAddress.ToString(),
            _stats?.State.ToString().ToLowerInvariant(),
            _progress is null ? [] : [.. _progress.Owned().Keys.Order()],
            shardsKnown,
            shards,
            unreachable,
            rate,
            writeMs));
    }

    private async Task<(bool Known, IReadOnlyList<HostedShard> Shards)> HostedShardsAsync()
    {
        if (_region is null)
        {
            return (true, []);
        }

        try
        {
            var region = await _region.GetAsync();
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, RegionTimeout);
            return (true, [.. state.Shards.Select(s => new HostedShard(s.ShardId, s.EntityIds.Count)).OrderBy(s => s.ShardId, StringComparer.Ordinal)]);
        }
        catch (AskTimeoutException)
        {
            return (false, []);
        }
    }

    /// <summary>Transactions committed per second and the mean batch write time over the sampled seconds.</summary>
    private (double PerSecond, double? WriteMs) Rates()
    {
        if (_samples.Count < 2)
        {
            return (0, null);
        }

        var first = _samples.Peek();
        var last = _samples.Last();
        var seconds = (last.At - first.At).TotalSeconds;
        var batches = last.Batches - first.Batches;
        return (seconds > 0 ? Math.Round((last.Scored - first.Scored) / seconds, 1) : 0,
            batches > 0 ? Math.Round((last.WriteMs - first.WriteMs) / batches, 1) : null);
    }
}
