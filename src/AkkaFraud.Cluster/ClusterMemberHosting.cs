using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace AkkaFraud.Cluster;

/// <summary>The composition of one cluster member's Akka, shared by the executable, the tests and the benchmarks.</summary>
public static class ClusterMemberHosting
{
    /// <summary>
    /// Remoting, clustering (keep-majority split-brain resolver), our serializer, and the account shards: hosted with
    /// the pipeline on scorer nodes, reached through a proxy on the others. The services the wiring needs come from
    /// <see cref="FraudClusterHosting.AddFraudScoringServices"/> and an <see cref="Storage.IPipelineStore"/> singleton.
    /// </summary>
    public static AkkaConfigurationBuilder WithClusterMember(this AkkaConfigurationBuilder builder, ClusterMemberOptions options)
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
