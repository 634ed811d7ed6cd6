using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// One assignment of one partition to one source: created when the partition is assigned, revoked once. A partition
/// assigned again gets a new state, so records of an earlier assignment still in the buffer are recognised and dropped.
/// </summary>
internal sealed class PartitionState(TopicPartition topicPartition, ProcessedOffsets processed)
{
    /// <summary>Records handed to the stage and not yet emitted or dropped: the poll thread adds, the stage subtracts.</summary>
    public int Buffered;

    private volatile bool _revoked;

    public TopicPartition TopicPartition { get; } = topicPartition;

    /// <summary>Paused in librdkafka because the buffer reached its high-water mark. Poll thread only.</summary>
    public bool Paused { get; set; }

    /// <summary>
    /// Held for the listener (<see cref="IKafkaPartitionListener.OnPartitionsAssigned"/>): paused in librdkafka, and what
    /// arrived before the pause took effect waits in <see cref="HeldRecords"/>. Poll thread only.
    /// </summary>
    public bool Held { get; set; }

    /// <summary>Whether librdkafka has it paused: for backpressure, for a hold, or both. Poll thread only.</summary>
    public bool PausedInConsumer => Paused || Held;

    /// <summary>Records consumed while <see cref="Held"/>, in offset order: emitted first on release. Poll thread only.</summary>
    public List<KafkaRecord> HeldRecords { get; } = [];

    public bool Revoked => _revoked;

    public void Revoke() => _revoked = true;

    /// <summary>Moves the source's processed mark of this partition forward; any thread.</summary>
    public void MarkProcessed(long nextOffset) => processed.Mark(TopicPartition, nextOffset);
}
