using System.Text;
using AkkaFraud.Streams.Kafka.Internal;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// One consumed Kafka record, tagged with where it came from. Records of one partition arrive in offset order.
/// Key and value are the raw bytes: decoding is the stream's work, off the poll thread.
/// </summary>
public sealed class KafkaRecord
{
    public KafkaRecord(string topic, int partition, long offset, byte[]? key, byte[]? value, Headers? headers, Timestamp timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Topic = topic;
        Partition = partition;
        Offset = offset;
        Key = key;
        Value = value;
        Headers = headers ?? [];
        Timestamp = timestamp;
    }

    internal KafkaRecord(ConsumeResult<byte[]?, byte[]?> result, PartitionState state)
        : this(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value, result.Message.Headers, result.Message.Timestamp) =>
        State = state;

    public string Topic { get; }

    public int Partition { get; }

    public long Offset { get; }

    /// <summary>The key bytes; null for a record without key.</summary>
    public byte[]? Key { get; }

    /// <summary>The value bytes; null for a tombstone.</summary>
    public byte[]? Value { get; }

    public Headers Headers { get; }

    public Timestamp Timestamp { get; }

    public TopicPartition TopicPartition => new(Topic, new Partition(Partition));

    /// <summary>Where the next record of this partition is: the offset to store once this record is processed.</summary>
    public long NextOffset => Offset + 1;

    /// <summary>The source's bookkeeping of this record's partition assignment; null for records made by hand.</summary>
    internal PartitionState? State { get; }

    /// <summary>
    /// Tells the source that emitted this record that it, and everything before it in its partition, is processed and
    /// durably stored: the partition's advisory Kafka commit may move past it. Cheap and thread-safe; mark the last
    /// record of a batch. The record carries its source, so a stage at the end of a stream marks without a reference
    /// back to the source's control.
    /// </summary>
    /// <exception cref="InvalidOperationException">The record was made by hand, not emitted by a <see cref="KafkaSource"/>.</exception>
    public void MarkProcessed() =>
        (State ?? throw new InvalidOperationException($"{this} was not emitted by a KafkaSource: there is no source to tell it was processed."))
            .MarkProcessed(NextOffset);

    /// <summary>The key decoded as UTF-8, or null.</summary>
    public string? KeyAsString() => Key is null ? null : Encoding.UTF8.GetString(Key);

    public override string ToString() => $"{Topic}[{Partition}]@{Offset}";
}
