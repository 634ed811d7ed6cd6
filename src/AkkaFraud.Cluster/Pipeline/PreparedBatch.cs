using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// A batch kept to the runs of the partitions this node owns, its rows, dead letters, checkpoints and alerts built, and
/// the alerts and dead letters already delivered to Kafka: all that is left is the warehouse transaction.
/// </summary>
internal sealed record PreparedBatch(
    IReadOnlyDictionary<int, PartitionRun> Runs,
    List<ScoredTransaction> Transactions,
    List<DeadLetterRecord> DeadLetters,
    Dictionary<string, AccountCheckpoint> Checkpoints,
    Dictionary<int, KafkaRecord> LastRecord,
    List<FraudAlert> Alerts,
    List<DateTimeOffset> IngestedAt);
