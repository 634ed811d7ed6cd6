namespace AkkaFraud.Storage;

/// <summary>
/// A Kafka topic partition as the store keys offsets by it. Not Confluent's <c>TopicPartition</c>: the store knows no
/// Kafka client, so callers convert at their edge.
/// </summary>
public readonly record struct StoredPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}[{Partition}]";
}
