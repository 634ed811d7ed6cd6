using Akka.Hosting;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Node.Security;

namespace AkkaFraud.Node.Live;

/// <summary>The live feed's wiring: scorers report their stats, web nodes fan alerts, metrics and members out over SignalR.</summary>
internal static class LiveFeedHosting
{
    public static IServiceCollection AddLiveFeed(this IServiceCollection services, NodeSettings settings)
    {
        services.AddSingleton(sp => new MetricsAggregator(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LiveClients>();
        if (settings.IsWeb)
        {
            services.AddSignalR();
            services.AddSingleton<PartitionWatch>();
            services.AddHostedService<ConsumerLagProbe>();
        }

        return services;
    }

    public static AkkaConfigurationBuilder WithLiveFeed(this AkkaConfigurationBuilder builder, NodeSettings settings) => builder
        .WithActors((system, _, resolver) =>
        {
            var clock = resolver.GetService<TimeProvider>();
            if (settings.IsScorer)
            {
                system.ActorOf(ScorerStatsReporter.Props(resolver.GetService<PipelineStats>(), clock), "scorer-stats");
            }

            if (settings.IsWeb)
            {
                // Nothing asks this actor anything: it subscribes itself (PreStart) and pushes through LiveClients.
                system.ActorOf(LiveFeedActor.Props(resolver.GetService<LiveClients>(), resolver.GetService<MetricsAggregator>(), clock), "live-feed");
            }
        });

    public static IEndpointRouteBuilder MapLiveFeed(this IEndpointRouteBuilder app, NodeSettings settings)
    {
        app.MapHub<LiveHub>(LiveHub.Path, options => options.TransportSendTimeout = TimeSpan.FromSeconds(settings.Live.StalledClientTimeoutSeconds))
            .RequireRole(Role.Viewer);
        return app;
    }
}
