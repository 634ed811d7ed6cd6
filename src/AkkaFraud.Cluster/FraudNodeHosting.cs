using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace AkkaFraud.Cluster;

/// <summary>How one node joins the scoring cluster: where it listens, whom it contacts first, what it does.</summary>
public sealed record FraudNodeOptions
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

    /// <summary>Cluster roles: <see cref="ShardingSetup.ScorerRole"/> consumes Kafka and hosts the account shards.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [ShardingSetup.ScorerRole];

    public bool IsScorer => Roles.Contains(ShardingSetup.ScorerRole, StringComparer.Ordinal);

    /// <summary>This node's own address, as a seed list would name it.</summary>
    public string SelfAddress => $"akka.tcp://{SystemName}@{PublicHostname ?? Hostname}:{Port}";
}

/// <summary>The composition of one cluster node, shared by the executable, the tests and the benchmarks.</summary>
public static class FraudNodeHosting
{
    /// <summary>
    /// Remoting, clustering (keep-majority split-brain resolver), our serializer, and the account shards: hosted with
    /// the pipeline on scorer nodes, reached through a proxy on the others. The services the wiring needs come from
    /// <see cref="FraudClusterHosting.AddFraudScoringServices"/> and an <see cref="Storage.IPipelineStore"/> singleton.
    /// </summary>
    public static AkkaConfigurationBuilder WithFraudNode(this AkkaConfigurationBuilder builder, FraudNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder
            .WithRemoting(new RemoteOptions { HostName = options.Hostname, PublicHostName = options.PublicHostname, Port = options.Port })
            .WithClustering(new ClusterOptions
            {
                SeedNodes = [.. options.SeedNodes],
                Roles = [.. options.Roles],
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .AddFraudSerialization()
            .WithFraudSharding(scorer: options.IsScorer);
        return options.IsScorer ? builder.WithFraudPipeline() : builder;
    }
}
