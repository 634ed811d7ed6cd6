using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>Every message this project sends between nodes: bound to <see cref="Serialization.FraudMessageSerializer"/>.</summary>
public interface IFraudMessage;

/// <summary>A message for one account. The shard is the Kafka partition the account's key maps to.</summary>
public interface IWithAccountId
{
    string AccountId { get; }

    int Partition { get; }
}

/// <summary>
/// Score one transaction read from <paramref name="Partition"/> at <paramref name="Offset"/>. <paramref name="Epoch"/>
/// names the run of the partition's consumption the message belongs to: an account that sees a new epoch reloads its
/// state from the stored checkpoint first, because the partition was (re)started from the stored offsets.
/// </summary>
public sealed record ScoreTransaction(long CorrelationId, int Partition, long Offset, long Epoch, Transaction Transaction)
    : IWithAccountId, IFraudMessage
{
    public string AccountId => Transaction.AccountId;
}

/// <summary>
/// The reply to <see cref="ScoreTransaction"/>: the verdict, and when a checkpoint is due (every
/// <see cref="AccountSettings.CheckpointEvery"/> transactions) the account's state after it; otherwise null.
/// </summary>
public sealed record TransactionScored(long CorrelationId, Verdict Verdict, byte[]? Checkpoint) : IFraudMessage;

/// <summary>Ask an account what it knows (for the API): answered with <see cref="AccountSummary"/>.</summary>
public sealed record GetAccountSummary(string AccountId, int Partition) : IWithAccountId, IFraudMessage;

public sealed record AccountSummary(
    string AccountId,
    long TransactionCount,
    int RetainedTransactions,
    DateTimeOffset? FirstEventTime,
    DateTimeOffset? LastEventTime) : IFraudMessage;

/// <summary>
/// Where does shard <paramref name="Partition"/> live right now? Sent through the region to the shard's
/// <see cref="ShardLocator"/> entity (it starts the shard wherever the coordinator places it), answered with
/// <see cref="ShardLocated"/>.
/// </summary>
public sealed record LocateShard(int Partition) : IWithAccountId, IFraudMessage
{
    /// <summary>The locator's entity id in every shard: '~' is no account id's character, so no account can take it.</summary>
    public const string EntityId = "~shard";

    public string AccountId => EntityId;
}

/// <summary>The reply to <see cref="LocateShard"/>: the cluster address of the node hosting the shard.</summary>
public sealed record ShardLocated(int Partition, string NodeAddress) : IFraudMessage;
