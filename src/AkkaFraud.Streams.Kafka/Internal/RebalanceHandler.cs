using System.Globalization;
using Akka.Event;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// The group's rebalance callbacks, run inline by librdkafka on the poll thread: an assignment starts each partition
/// at its stored offset (or the configured fallback) with fresh bookkeeping; a revocation commits what is processed
/// while the partitions are still ours, and drops their bookkeeping. Listeners hear both, after the fact; an assignment
/// is held until the listener's task completes (<see cref="PartitionHolds"/>).
/// </summary>
internal sealed class RebalanceHandler(
    KafkaConsumerSettings options,
    AssignedPartitions partitions,
    ProcessedOffsets processed,
    StartOffsetLoader startOffsets,
    AdvisoryCommitter committer,
    RetentionGapResolver gaps,
    PartitionHolds holds,
    PartitionListenerGuard listener,
    ILoggingAdapter log)
{
    public List<TopicPartitionOffset> OnAssigned(List<TopicPartition> assigned)
    {
        if (assigned.Count == 0)
        {
            return [];
        }

        var stored = startOffsets.Load(assigned);
        var start = new List<TopicPartitionOffset>(assigned.Count);
        var fallback = options.StartWithoutStoredOffset == StartPosition.Latest ? Offset.End : Offset.Beginning;
        foreach (var partition in assigned)
        {
            partitions.Assign(partition);
            committer.Forget(partition);
            gaps.Forget(partition);
            if (stored.TryGetValue(partition, out var next))
            {
                // What the store holds is processed by definition: the group's commit catches up with it at once.
                processed.Reset(partition, next);
                start.Add(new TopicPartitionOffset(partition, new Offset(next)));
            }
            else
            {
                processed.Forget(partition);
                start.Add(new TopicPartitionOffset(partition, fallback));
            }
        }

        partitions.Publish();
        log.Info("Kafka source assigned {0}", string.Join(", ", start.Select(static p => $"{p.Topic}[{p.Partition.Value}]@{Describe(p.Offset)}")));
        var release = listener.Ask(static (target, start) => target.OnPartitionsAssigned(start), start);
        holds.Hold([.. assigned.Select(p => partitions.TryGet(p, out var state) ? state : null).OfType<PartitionState>()], release);
        return start;
    }

    public void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> taken, bool lost)
    {
        var revoked = taken.Select(static p => p.TopicPartition).ToList();
        foreach (var partition in revoked)
        {
            if (partitions.TryGet(partition, out var state))
            {
                state.Revoke();
            }
        }

        // Still ours during the callback: a last advisory commit, before the group can hand them on (unless the group
        // already gave them away, or the shutdown's final commit just did it).
        if (!lost && !committer.FinalCommitDone)
        {
            committer.CommitNow(consumer, revoked);
        }

        foreach (var partition in revoked)
        {
            partitions.Remove(partition);
            committer.Forget(partition);
            gaps.Forget(partition);
        }

        partitions.Publish();
        if (lost)
        {
            log.Warning("Kafka source lost {0} (evicted from the group)", string.Join(", ", revoked));
        }
        else
        {
            log.Info("Kafka source revoked {0}", string.Join(", ", revoked));
        }

        listener.Notify(static (target, args) => target.OnPartitionsRevoked(args.revoked, args.lost), (revoked, lost));
    }

    private static string Describe(Offset offset) => offset.IsSpecial ? offset.ToString() : offset.Value.ToString(CultureInfo.InvariantCulture);
}
