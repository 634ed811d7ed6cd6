namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// How the poll thread and the stage reach each other: the stage's async callbacks one way, the control's stop and
/// shutdown requests the other. Thread-safe.
/// </summary>
internal sealed record SourceCallbacks(
    Action<List<KafkaRecord>> Deliver,
    Action CompleteStage,
    Func<bool> StopRequested,
    Func<bool> ShutdownRequested);
