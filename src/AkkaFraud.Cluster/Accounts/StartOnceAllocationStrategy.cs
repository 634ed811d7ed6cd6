using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// Wraps <see cref="Akka.Cluster.Sharding.External.ExternalShardAllocationStrategy"/> so that its <c>Start</c> runs once
/// per node. The coordinator calls <c>Start</c> every time it (re)starts, and in Akka.NET 1.5.73 the strategy then
/// creates its state actor under a fixed system-level name again: the second time fails ("actor name
/// external-allocation-state-account is not unique") and the coordinator crash-loops, so no shard is ever allocated
/// again. Measured here: a singleton hand-over that did not complete restarted the coordinator and stalled the cluster.
/// The first start's state actor lives on and keeps serving the strategy.
/// </summary>
internal sealed class StartOnceAllocationStrategy(IShardAllocationStrategy inner) : IStartableAllocationStrategy
{
    private int _started;

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0 && inner is IStartableAllocationStrategy startable)
        {
            startable.Start();
        }
    }

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations) =>
        inner.AllocateShard(requester, shardId, currentShardAllocations);

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
        inner.Rebalance(currentShardAllocations, rebalanceInProgress);
}
