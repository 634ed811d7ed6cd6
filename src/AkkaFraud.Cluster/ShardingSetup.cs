namespace AkkaFraud.Cluster;

/// <summary>The names the account sharding is known by, on every node: its entity type and the role hosting it.</summary>
public static class ShardingSetup
{
    public const string AccountTypeName = "account";

    /// <summary>Nodes with this role consume Kafka and host the account shards.</summary>
    public const string ScorerRole = "scorer";
}
