using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using AkkaFraud.Streams.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>A consumed record, parsed, tagged with its partition's epoch and when it was read.</summary>
internal sealed record IngestedRecord(KafkaRecord Record, long Epoch, ParseResult Parsed, DateTimeOffset IngestedAt);

/// <summary>An ingested record with its account's reply (null for a dead letter).</summary>
internal sealed record ScoredRecord(IngestedRecord Ingested, TransactionScored? Reply);
