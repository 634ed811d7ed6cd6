using Akka.Hosting;
using AkkaFraud.Cluster;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Node.Hosting;

namespace AkkaFraud.Node.Management;

/// <summary>The management API's wiring: an agent on every node, the cluster view on web nodes.</summary>
internal static class ManagementHosting
{
    public static IServiceCollection AddClusterManagement(this IServiceCollection services, NodeSettings settings)
    {
        if (settings.IsWeb)
        {
            services.AddSingleton<ClusterManagement>();
            services.AddSingleton<ClusterEventFeed>();
        }

        return services;
    }

    public static AkkaConfigurationBuilder WithNodeAgent(this AkkaConfigurationBuilder builder, NodeSettings settings) => builder
        .WithActors((system, _, resolver) => system.ActorOf(
            settings.IsScorer
                ? NodeAgent.Props(resolver.GetService<PipelineStats>(), resolver.GetService<PartitionProgress>(), resolver.GetService<IRequiredActor<AccountRegion>>(), resolver.GetService<TimeProvider>())
                : NodeAgent.Props(null, null, null, resolver.GetService<TimeProvider>()),
            NodeAgent.Name));
}
