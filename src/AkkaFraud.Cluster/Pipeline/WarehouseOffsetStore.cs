using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// The Kafka source's offset store: where each assigned partition starts is what the warehouse last committed from this
/// Kafka cluster (none yet for a new cluster: it starts at the beginning).
/// </summary>
internal sealed class WarehouseOffsetStore(IPipelineStore store, KafkaClusterIdentity cluster, string consumerGroup) : IKafkaOffsetStore
{
    public async Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(
        IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var stored = await store.GetOffsetsAsync(
            await cluster.GetAsync(cancellationToken), consumerGroup, partitions.Select(p => new StoredPartition(p.Topic, p.Partition.Value)).ToList(), cancellationToken);
        var result = new Dictionary<TopicPartition, long>();
        foreach (var partition in partitions)
        {
            if (stored.TryGetValue(new StoredPartition(partition.Topic, partition.Partition.Value), out var offset))
            {
                result[partition] = offset;
            }
        }

        return result;
    }
}
