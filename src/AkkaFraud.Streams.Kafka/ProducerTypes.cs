using System.Text;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka;

/// <summary>A record to produce. Without <see cref="Partition"/> the partition follows the key (murmur2).</summary>
public sealed record ProducerRecord(string Topic, byte[]? Key, byte[]? Value)
{
    public Headers? Headers { get; init; }

    /// <summary>An explicit partition, or null to let the key decide.</summary>
    public int? Partition { get; init; }

    /// <summary>The record's timestamp, or null for the time it is produced.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>A record with a UTF-8 string key.</summary>
    public static ProducerRecord Create(string topic, string? key, byte[]? value) =>
        new(topic, key is null ? null : Encoding.UTF8.GetBytes(key), value);
}

/// <summary>A record to produce plus a value that travels with it to its <see cref="ProducerResult{TPassThrough}"/>.</summary>
public sealed record ProducerMessage<TPassThrough>(ProducerRecord Record, TPassThrough PassThrough);

/// <summary>A delivered record: where it landed, and what was passed through with it.</summary>
public sealed record ProducerResult<TPassThrough>(ProducerRecord Record, int Partition, long Offset, Timestamp Timestamp, TPassThrough PassThrough);
