namespace AkkaFraud.Streams.Kafka;

/// <summary>Whether a source can reach its brokers, why not, and since when.</summary>
public sealed record KafkaSourceHealth(bool IsHealthy, string Reason, DateTimeOffset Since)
{
    internal static KafkaSourceHealth Starting(DateTimeOffset now) => new(true, "starting", now);
}
