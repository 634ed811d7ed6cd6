using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding.External;
using Akka.Event;
using AkkaFraud.Cluster.Accounts;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// Shard id = Kafka partition: when Kafka assigns partitions to this node, their account shards are asked to move here
/// (through <see cref="ExternalShardAllocationStrategy"/>), so scoring stays a local hop.
/// </summary>
internal sealed class ShardsFollowPartitions(ActorSystem system, ILoggingAdapter log)
{
    private readonly IExternalShardAllocationClient _shardLocations = ExternalShardAllocation.Get(system).ClientFor(ShardingSetup.AccountTypeName);
    private readonly Address _selfAddress = Akka.Cluster.Cluster.Get(system).SelfAddress;

    public void MoveHere(IEnumerable<int> partitions)
    {
        var locations = partitions.ToImmutableDictionary(AccountMessageExtractor.ShardIdOf, _ => _selfAddress);
        // Until the strategy sees the new locations, messages take one remote hop.
        _shardLocations.UpdateShardLocations(locations).ContinueWith(
            t => log.Warning(t.Exception, "Moving shards to this node failed; they stay where they are until the next assignment"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
