namespace AkkaFraud.Streams.Kafka;

/// <summary>The offset store gave no start offsets in time; the source cannot start its partitions and fails.</summary>
public sealed class KafkaOffsetStoreException : Exception
{
    public KafkaOffsetStoreException()
    {
    }

    public KafkaOffsetStoreException(string message)
        : base(message)
    {
    }

    public KafkaOffsetStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
