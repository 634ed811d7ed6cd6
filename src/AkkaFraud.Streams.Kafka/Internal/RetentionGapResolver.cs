using Akka.Event;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// Partitions that stopped on an out-of-range offset, and how each resumes. If the offset is below the low watermark
/// the records are gone, so the gap is reported and the partition restarts at the low watermark; if it is back in
/// range (a transient leader change), it restarts where it was; if it is beyond the end, the topic is not the one the
/// offsets were stored for, and guessing would lose or duplicate data, so the stream fails.
/// Poll thread only: the consumer is lent per call.
/// </summary>
internal sealed class RetentionGapResolver(AssignedPartitions partitions, PartitionListenerGuard listener, TimeProvider time, ILoggingAdapter log)
{
    private static readonly TimeSpan WatermarkQueryTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<TopicPartition, long> _pending = [];
    private long _nextAttemptAt;

    /// <summary>Takes an out-of-range consume error of an assigned partition; false for any other error.</summary>
    public bool TryTake(ConsumeException e)
    {
        if (e.Error.Code == ErrorCode.Local_AutoOffsetReset && e.ConsumerRecord?.TopicPartitionOffset is { } position
            && partitions.Contains(position.TopicPartition))
        {
            // The offset we asked for is out of the partition's range; the partition stops fetching until we restart it.
            log.Warning("Kafka source: offset {0} of {1} is out of range ({2}); checking for a retention gap", position.Offset.Value, position.TopicPartition, e.Error.Reason);
            _pending[position.TopicPartition] = position.Offset.Value;
            _nextAttemptAt = 0;
            return true;
        }

        return false;
    }

    /// <summary>A partition assigned anew or revoked has no gap pending any more.</summary>
    public void Forget(TopicPartition partition) => _pending.Remove(partition);

    public void Resolve(IConsumer<byte[]?, byte[]?> consumer, long now)
    {
        if (_pending.Count == 0 || now < _nextAttemptAt)
        {
            return;
        }

        foreach (var (partition, firstMissing) in _pending.ToList())
        {
            WatermarkOffsets watermarks;
            try
            {
                watermarks = consumer.QueryWatermarkOffsets(partition, WatermarkQueryTimeout);
            }
            catch (KafkaException e)
            {
                log.Warning("Kafka source could not read the watermarks of {0} ({1}); retrying", partition, e.Error.Reason);
                _nextAttemptAt = now + PollClock.Ticks(time, RetryInterval);
                return;
            }

            long resumeAt;
            RetentionGap? gap = null;
            if (firstMissing < watermarks.Low.Value)
            {
                resumeAt = watermarks.Low.Value;
                gap = new RetentionGap(partition.Topic, partition.Partition.Value, firstMissing, resumeAt);
            }
            else if (firstMissing <= watermarks.High.Value)
            {
                resumeAt = firstMissing;
            }
            else
            {
                throw new KafkaException(new Error(ErrorCode.OffsetOutOfRange,
                    $"Offset {firstMissing} of {partition} is beyond the partition's end ({watermarks.High.Value}): the topic was recreated or the " +
                    "offset store belongs to another cluster. Refusing to guess where to resume."));
            }

            if (!TryRestart(consumer, partition, resumeAt))
            {
                _nextAttemptAt = now + PollClock.Ticks(time, RetryInterval);
                return;
            }

            _pending.Remove(partition);
            if (gap is null)
            {
                log.Info("Kafka source: offset {0} of {1} is within [{2}, {3}] again; resumed there", firstMissing, partition, watermarks.Low.Value, watermarks.High.Value);
                continue;
            }

            log.Error("Kafka source retention gap on {0}[{1}]: offsets {2} to {3} are gone (low watermark {4}); resumed at {4}",
                gap.Topic, gap.Partition, gap.FirstMissingOffset, gap.ResumedOffset - 1, gap.ResumedOffset);
            var tags = KafkaMetrics.Partition(gap.Topic, gap.Partition);
            KafkaMetrics.RetentionGaps.Add(1, tags);
            KafkaMetrics.RetentionGapOffsets.Add(gap.MissingOffsets, tags);
            listener.Notify(static (target, gap) => target.OnRetentionGap(gap), gap);
        }
    }

    /// <summary>
    /// A partition stopped by an out-of-range error fetches again only once assigned anew (librdkafka refuses a seek
    /// in that state). Outside a rebalance this changes only the local assignment, which the group still agrees with.
    /// </summary>
    private bool TryRestart(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, long offset)
    {
        try
        {
            if (consumer.Assignment.Contains(partition))
            {
                consumer.IncrementalUnassign([partition]);
            }

            consumer.IncrementalAssign([new TopicPartitionOffset(partition, new Offset(offset))]);
            if (partitions.TryGet(partition, out var state) && state.PausedInConsumer)
            {
                // A fresh assignment is not paused; keep the backpressure or the hold it had.
                consumer.Pause([partition]);
            }

            return true;
        }
        catch (KafkaException e)
        {
            log.Warning("Kafka source could not restart {0} at {1} ({2}); retrying", partition, offset, e.Error.Reason);
            return false;
        }
    }
}
