using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding.External;
using Akka.Event;
using AkkaFraud.Cluster.Accounts;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// Shard id = Kafka partition: when Kafka assigns partitions to this node, their account shards are asked to move here
/// (through <see cref="ExternalShardAllocationStrategy"/>), and the partitions are not consumed before they have.
/// </summary>
/// <remarks>
/// Why wait: until the coordinator moves a shard, this node's messages reach accounts on the shard's old node, which
/// score them on states of their own. When the shard then moves, those accounts stop, and the new ones here load
/// the state as of the stored offset: everything the old ones scored and this node has not committed yet would be
/// missing from it, and later verdicts of the same run would differ from the oracle's (seen once in a rolling restart:
/// an impossible-travel verdict scored against the wrong previous location). Waiting keeps every transaction of a
/// run scored by accounts on the node that owns the run.
/// </remarks>
internal sealed class ShardsFollowPartitions(ActorSystem system, IActorRef region, PartitionProgress progress, ILoggingAdapter log)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private readonly IExternalShardAllocationClient _shardLocations = ExternalShardAllocation.Get(system).ClientFor(ShardingSetup.AccountTypeName);
    private readonly Address _selfAddress = Akka.Cluster.Cluster.Get(system).SelfAddress;

    /// <summary>Asks for the runs' shards to move here; completes when each is here, or its run is over.</summary>
    public Task MoveHereAsync(IReadOnlyDictionary<int, PartitionRun> runs)
    {
        RequestLocations(runs.Keys);
        return Task.WhenAll(runs.Select(run => WaitUntilHereAsync(run.Key, run.Value.Epoch)));
    }

    private void RequestLocations(IEnumerable<int> partitions)
    {
        var locations = partitions.ToImmutableDictionary(AccountMessageExtractor.ShardIdOf, _ => _selfAddress);
        _shardLocations.UpdateShardLocations(locations).ContinueWith(
            t => log.Warning(t.Exception, "Asking for shards to move to this node failed; asking again in {0}", ReportEvery),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private async Task WaitUntilHereAsync(int partition, long epoch)
    {
        var started = Stopwatch.GetTimestamp();
        var reported = started;
        while (progress.Current(partition)?.Epoch == epoch && !system.WhenTerminated.IsCompleted)
        {
            string where;
            try
            {
                // The question starts the shard where the coordinator places it: the answer is where it lives now.
                where = (await region.Ask<ShardLocated>(new LocateShard(partition), AskTimeout)).NodeAddress;
                if (where == _selfAddress.ToString())
                {
                    return;
                }
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                where = "no answer within " + AskTimeout.TotalSeconds + " s";
            }

            if (Stopwatch.GetElapsedTime(reported) >= ReportEvery)
            {
                reported = Stopwatch.GetTimestamp();
                log.Warning("Partition {0} is held for {1:0} s so far: its account shard is still on {2}, not here; asking again for it to move",
                    partition, Stopwatch.GetElapsedTime(started).TotalSeconds, where);
                RequestLocations([partition]);
            }

            await Task.Delay(RetryDelay);
        }
    }
}
