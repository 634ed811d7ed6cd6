using AkkaFraud.Domain;

namespace AkkaFraud.Storage;

/// <summary>
/// A record that is not a valid transaction, kept byte for byte. Its identity is its Kafka coordinates: the same record
/// written twice (a retried batch, a replay after a crash) is stored once.
/// </summary>
public sealed record DeadLetterRecord(
    string Topic,
    int KafkaPartition,
    long KafkaOffset,
    ReadOnlyMemory<byte> Payload,
    string ReasonCode,
    string Detail,
    DateTimeOffset ReceivedAt)
{
    /// <summary>A dead letter for a record the parser rejected.</summary>
    public static DeadLetterRecord From(
        Rejection rejection, string topic, int partition, long offset, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new(topic, partition, offset, payload, rejection.ReasonCode, rejection.Detail, receivedAt);
    }
}
