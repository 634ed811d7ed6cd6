using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// Observes a source's partition lifecycle and health. Every method has a no-op default; implement what you need.
/// </summary>
/// <remarks>
/// Methods run inline on the consumer's poll thread, in the order the events happen: keep them short and
/// non-blocking (start asynchronous work, do not wait for it). An exception is logged and otherwise ignored.
/// </remarks>
public interface IKafkaPartitionListener
{
    /// <summary>
    /// Partitions were assigned to this source and will be consumed from the given offsets (a logical offset such as
    /// <see cref="Offset.Beginning"/> when the store had none). Their records are emitted once the returned task
    /// completes; until then the source holds them (paused, nothing skipped). Partition-aligned sharding uses this to
    /// move the partitions' shards here before their first record is scored. A faulted task releases them too.
    /// </summary>
    Task OnPartitionsAssigned(IReadOnlyList<TopicPartitionOffset> partitions) => Task.CompletedTask;

    /// <summary>
    /// Partitions were taken away: revoked in a rebalance, or <paramref name="lost"/> (the group evicted this member,
    /// so another may already own them). No record of them is emitted after this call returns, except one being
    /// emitted at this very moment; work of these partitions still in flight should be dropped, and the offset store's
    /// compare-and-set fences whatever slips through.
    /// </summary>
    void OnPartitionsRevoked(IReadOnlyList<TopicPartition> partitions, bool lost)
    {
    }

    /// <summary>Records were gone when the source wanted them; consumption resumed after the gap.</summary>
    void OnRetentionGap(RetentionGap gap)
    {
    }

    /// <summary>The source became unhealthy (no broker reachable for too long) or healthy again.</summary>
    void OnHealthChanged(KafkaSourceHealth health)
    {
    }
}
