using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace AkkaFraud.Cluster;

/// <summary>The composition of one cluster member's Akka, shared by the executable, the tests and the benchmarks.</summary>
public static class ClusterMemberHosting
{
    /// <summary>The shipped Akka settings, relative to the binaries.</summary>
    public static readonly string HoconFile = Path.Combine("hocon", "akkafraud.conf");

    /// <summary>
    /// Remoting, clustering, our serializer, the settings of <c>hocon/akkafraud.conf</c> (split-brain resolver,
    /// failure detector, sharding tuning, shutdown phases) and the account shards: hosted with the pipeline on scorer
    /// nodes, reached through a proxy on the others. The services the wiring needs come from
    /// <see cref="FraudClusterHosting.AddFraudScoringServices"/> and an <see cref="Storage.IPipelineStore"/> singleton.
    /// </summary>
    public static AkkaConfigurationBuilder WithClusterMember(this AkkaConfigurationBuilder builder, ClusterMemberOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder
            .WithRemoting(new RemoteOptions { HostName = options.Hostname, PublicHostName = options.PublicHostname, Port = options.Port })
            .WithClustering(new ClusterOptions { SeedNodes = [.. options.SeedNodes], Roles = [.. options.Roles] })
            .WithHoconFiles(options.HoconOverrideFile)
            .AddFraudSerialization()
            .WithFraudSharding(scorer: options.IsScorer);
        if (options.JoinSelf)
        {
            builder.AddStartup((system, _) =>
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
        }

        return options.IsScorer ? builder.WithFraudPipeline() : builder;
    }

    private static AkkaConfigurationBuilder WithHoconFiles(this AkkaConfigurationBuilder builder, string? overrideFile)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, HoconFile);
        if (!File.Exists(shipped))
        {
            throw new FileNotFoundException(
                $"The Akka settings file {shipped} is missing: it ships next to the binaries (hocon/ at the repository's top level); " +
                "rebuild or republish, or mount a copy there.", shipped);
        }

        // Prepended, so these win over what Akka.Hosting generates from typed options; the override file goes last,
        // in front of everything.
        builder.AddHoconFile(shipped, HoconAddMode.Prepend);
        if (overrideFile is not null)
        {
            // The node's settings checked that it exists, with a message that says how to fix it.
            builder.AddHoconFile(overrideFile, HoconAddMode.Prepend);
        }

        return builder;
    }
}
