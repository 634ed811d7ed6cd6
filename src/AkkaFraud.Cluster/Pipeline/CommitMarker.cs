using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using AkkaFraud.Cluster.Accounts;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// The stage after the warehouse commit, the last on a record's one-way path: it makes a committed batch known. The
/// partitions' stored offsets move in <see cref="PartitionProgress"/> (the next batch's compare-and-set, the accounts'
/// passivation), the source may commit the batch's last records to Kafka (advisory), alerts go to the live screens
/// through DistributedPubSub, and the metrics count what was committed.
/// </summary>
internal sealed class CommitMarker(PartitionProgress progress, IActorRef mediator, TimeProvider clock, PipelineStats stats)
{
    public int Mark(CommittedBatch committed)
    {
        var batch = committed.Batch;
        if (batch.LastRecord.Count == 0)
        {
            return 0;
        }

        foreach (var (partition, last) in batch.LastRecord)
        {
            progress.Committed(partition, batch.Runs[partition].Epoch, last.NextOffset);
            last.MarkProcessed();
        }

        foreach (var alert in batch.Alerts)
        {
            mediator.Tell(new Publish(LiveTopics.Alerts, alert));
        }

        PipelineMetrics.Scored.Add(batch.Transactions.Count);
        PipelineMetrics.Flagged.Add(batch.Alerts.Count);
        PipelineMetrics.DeadLettered.Add(batch.DeadLetters.Count);
        PipelineMetrics.BatchSize.Record(committed.Records);
        PipelineMetrics.BatchWriteMs.Record(committed.WriteTime.TotalMilliseconds);
        // Only what this batch committed: records dropped before the write (another owner's now) never were.
        var now = clock.GetUtcNow();
        var latencies = new double[batch.IngestedAt.Count];
        for (var i = 0; i < latencies.Length; i++)
        {
            latencies[i] = (now - batch.IngestedAt[i]).TotalMilliseconds;
            PipelineMetrics.IngestToCommitMs.Record(latencies[i]);
        }

        stats.RecordCommitted(batch.Transactions.Count, batch.Alerts.Count, batch.DeadLetters.Count, committed.WriteTime.TotalMilliseconds, latencies);
        return committed.Records;
    }
}
