using Akka.Event;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// What the pipeline does when Kafka moves partitions (the source's partition listener, called on its poll thread): an
/// assignment begins a run in <see cref="PartitionProgress"/> and holds the partitions until their shards are here
/// (<see cref="ShardsFollowPartitions"/>); a revocation ends
/// the run, so its records still in flight are dropped before the write; a retention gap is counted and recorded.
/// </summary>
internal sealed class PartitionLifecycle(
    PartitionProgress progress,
    ShardsFollowPartitions shards,
    IPipelineStore store,
    KafkaClusterIdentity cluster,
    PipelineStats stats,
    TimeProvider clock,
    ILoggingAdapter log) : IKafkaPartitionListener
{
    public Task OnPartitionsAssigned(IReadOnlyList<TopicPartitionOffset> partitions)
    {
        var runs = new Dictionary<int, PartitionRun>();
        foreach (var assigned in partitions)
        {
            // The source starts a partition at its stored offset when the warehouse has one, else at a logical offset.
            long? stored = assigned.Offset.IsSpecial ? null : assigned.Offset.Value;
            runs[assigned.Partition.Value] = progress.Begin(assigned.Partition.Value, stored ?? 0, stored);
        }

        log.Info("Partitions assigned: {0}", string.Join(", ", partitions.Select(p => $"{p.Partition.Value}@{p.Offset}")));
        var started = clock.GetTimestamp();
        var here = shards.MoveHereAsync(runs);
        here.ContinueWith(_ => log.Info("Consuming partitions {0}: their account shards are on this node ({1:0.0} s after the assignment)",
            string.Join(", ", runs.Keys), clock.GetElapsedTime(started).TotalSeconds), TaskScheduler.Default);
        return here;
    }

    public void OnPartitionsRevoked(IReadOnlyList<TopicPartition> partitions, bool lost)
    {
        foreach (var partition in partitions)
        {
            progress.End(partition.Partition.Value);
        }

        log.Info("Partitions {0}: {1}", lost ? "lost" : "revoked", string.Join(", ", partitions.Select(p => p.Partition.Value)));
    }

    public void OnRetentionGap(RetentionGap gap)
    {
        log.Warning("Records lost to retention before they were read: {0}[{1}] offsets {2}..{3} ({4} records)",
            gap.Topic, gap.Partition, gap.FirstMissingOffset, gap.ResumedOffset - 1, gap.MissingOffsets);
        PipelineMetrics.IngestGaps.Add(1);
        stats.RecordGap();
        var detectedAt = clock.GetUtcNow();
        RecordGapAsync(gap, detectedAt)
            .ContinueWith(t => log.Error(t.Exception, "Could not record the retention gap {0}", gap), TaskContinuationOptions.OnlyOnFaulted);
    }

    private async Task RecordGapAsync(RetentionGap gap, DateTimeOffset detectedAt) =>
        await store.RecordGapAsync(new IngestGap(await cluster.GetAsync(), gap.Topic, gap.Partition, gap.FirstMissingOffset, gap.ResumedOffset, detectedAt));

    public void OnHealthChanged(KafkaSourceHealth health)
    {
        if (health.IsHealthy)
        {
            log.Info("Kafka is reachable again");
        }
        else
        {
            log.Error("Kafka unreachable since {0}: {1}", health.Since, health.Reason);
        }
    }
}
