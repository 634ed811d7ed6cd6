using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// The durable home of consumed offsets (PostgreSQL in production, written in the same transaction as the results).
/// The source asks it where to start each partition it is assigned; Kafka's own group commit is only advisory.
/// </summary>
public interface IKafkaOffsetStore
{
    /// <summary>
    /// Returns, for each of <paramref name="partitions"/> that has one, the offset of the next record to process.
    /// Partitions left out start at <see cref="KafkaConsumerSettings.StartWithoutStoredOffset"/>.
    /// </summary>
    /// <remarks>
    /// Called on the consumer's poll thread during a rebalance; the rebalance waits for it (up to
    /// <see cref="KafkaConsumerSettings.OffsetStoreTimeout"/>, retrying failures), so keep it to one query.
    /// </remarks>
    Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken);
}
