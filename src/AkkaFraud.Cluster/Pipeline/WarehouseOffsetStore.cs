using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using KafkaTopicPartition = Confluent.Kafka.TopicPartition;
using StoreTopicPartition = AkkaFraud.Storage.TopicPartition;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>The Kafka source's offset store: where each assigned partition starts is what the warehouse last committed.</summary>
internal sealed class WarehouseOffsetStore(IFraudStore store, string consumerGroup) : IKafkaOffsetStore
{
    public async Task<IReadOnlyDictionary<KafkaTopicPartition, long>> GetStartOffsetsAsync(
        IReadOnlyList<KafkaTopicPartition> partitions, CancellationToken cancellationToken)
    {
        var stored = await store.GetOffsetsAsync(
            consumerGroup, partitions.Select(p => new StoreTopicPartition(p.Topic, p.Partition.Value)).ToList(), cancellationToken);
        var result = new Dictionary<KafkaTopicPartition, long>();
        foreach (var partition in partitions)
        {
            if (stored.TryGetValue(new StoreTopicPartition(partition.Topic, partition.Partition.Value), out var offset))
            {
                result[partition] = offset;
            }
        }

        return result;
    }
}
