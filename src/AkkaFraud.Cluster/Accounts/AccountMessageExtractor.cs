using Akka.Cluster.Sharding;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>Entity id = account id; shard id = the Kafka partition of the account's key (partition-aligned sharding).</summary>
public sealed class AccountMessageExtractor : IMessageExtractor
{
    public string? EntityId(object message) => message is IWithAccountId m ? m.AccountId : null;

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => message is IWithAccountId m ? ShardIdOf(m.Partition) : null;

    public string ShardId(string entityId, object? messageHint = null) =>
        messageHint is IWithAccountId m
            ? ShardIdOf(m.Partition)
            : throw new ArgumentException($"The shard of account '{entityId}' is its Kafka partition, which only an account message carries.", nameof(messageHint));

    public static string ShardIdOf(int partition) => partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
