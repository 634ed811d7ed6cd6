using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// Bounds what the source buffers per partition: a partition whose buffer reaches the high-water mark is paused in
/// librdkafka, and resumed once the stage has emitted half of it. Poll thread only: the consumer is lent per call.
/// </summary>
internal sealed class PartitionBackpressure(KafkaConsumerSettings options, AssignedPartitions partitions)
{
    private readonly int _highWater = options.MaxBufferedRecordsPerPartition;
    private readonly int _lowWater = options.MaxBufferedRecordsPerPartition / 2;

    public bool AnyPaused => partitions.States.Any(static p => p.PausedInConsumer);

    /// <summary>Counts a record handed towards the stage; pauses its partition at the high-water mark.</summary>
    public void OnBuffered(IConsumer<byte[]?, byte[]?> consumer, PartitionState state)
    {
        var buffered = partitions.CountBuffered(state);
        if (buffered >= _highWater && !state.Paused)
        {
            // librdkafka drops what it prefetched for a paused partition, so nothing more of it arrives.
            consumer.Pause([state.TopicPartition]);
            state.Paused = true;
            KafkaMetrics.PartitionPauses.Add(1, KafkaMetrics.Partition(state.TopicPartition.Topic, state.TopicPartition.Partition.Value));
        }
    }

    /// <summary>Resumes partitions whose buffer drained to half the high-water mark; pauses everything once stopped.</summary>
    public void Apply(IConsumer<byte[]?, byte[]?> consumer, bool emittingStopped)
    {
        List<TopicPartition>? resume = null;
        List<TopicPartition>? pause = null;
        foreach (var state in partitions.States)
        {
            if (emittingStopped)
            {
                if (!state.Paused)
                {
                    (pause ??= []).Add(state.TopicPartition);
                    state.Paused = true;
                }
            }
            else if (state.Paused && Volatile.Read(ref state.Buffered) <= _lowWater)
            {
                if (!state.Held)
                {
                    (resume ??= []).Add(state.TopicPartition);
                }

                state.Paused = false;
                KafkaMetrics.PartitionResumes.Add(1, KafkaMetrics.Partition(state.TopicPartition.Topic, state.TopicPartition.Partition.Value));
            }
        }

        if (pause is not null)
        {
            consumer.Pause(pause);
        }

        if (resume is not null)
        {
            consumer.Resume(resume);
        }
    }
}
