namespace AkkaFraud.Cluster;

/// <summary>How this process joins the scoring cluster as a member: where it listens, whom it contacts first, which roles it plays.</summary>
public sealed record ClusterMemberOptions
{
    /// <summary>Actor system name: every node of one cluster must use the same.</summary>
    public string SystemName { get; init; } = "akkafraud";

    /// <summary>Interface the remoting transport binds to.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Host name other nodes reach this one by (behind NAT or in containers); <see cref="Hostname"/> when null.</summary>
    public string? PublicHostname { get; init; }

    /// <summary>Remoting port; 0 picks a free one (only sensible for a node that is not a seed).</summary>
    public int Port { get; init; }

    /// <summary>Addresses (<c>akka.tcp://akkafraud@host:port</c>) of the nodes to join through; a node listing itself first forms a new cluster.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>
    /// Forms a cluster of its own by joining its own address once remoting listens: with port 0 the address exists
    /// only after the bind, so it cannot be a seed list entry beforehand (the embedded node).
    /// </summary>
    public bool JoinSelf { get; init; }

    /// <summary>Cluster roles: <see cref="ShardingSetup.ScorerRole"/> consumes Kafka and hosts the account shards.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [ShardingSetup.ScorerRole];

    /// <summary>
    /// An extra HOCON file whose settings win over the shipped <c>hocon/akkafraud.conf</c> (a deployment's tuning);
    /// null for none.
    /// </summary>
    public string? HoconOverrideFile { get; init; }

    public bool IsScorer => Roles.Contains(ShardingSetup.ScorerRole, StringComparer.Ordinal);

    /// <summary>This node's own address, as a seed list would name it.</summary>
    public string SelfAddress => $"akka.tcp://{SystemName}@{PublicHostname ?? Hostname}:{Port}";
}
