namespace AkkaFraud.Streams.Kafka.Embedded;

/// <summary>Kafka protocol request types, for <see cref="EmbeddedKafka.PushRequestErrors"/>.</summary>
public enum KafkaApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    DescribeGroups = 15,
    ApiVersions = 18,
    InitProducerId = 22,
    OffsetForLeaderEpoch = 23,
}
