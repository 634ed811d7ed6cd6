using Akka.Hosting;
using AkkaFraud.Cluster;
using AkkaFraud.Cluster.Rules;
using AkkaFraud.Domain;
using AkkaFraud.Node.Live;
using AkkaFraud.Node.Management;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Hosting;

/// <summary>
/// The node's core: its settings, the warehouse, the scoring services and the actor system (the cluster node the
/// Cluster project composes, plus the live feed). Every other area adds itself in Program.cs.
/// </summary>
internal static class NodeComposition
{
    public static IServiceCollection AddNodeCore(this IServiceCollection services, NodeSettings settings, NodeInfrastructure infrastructure)
    {
        services.AddSingleton(settings);
        services.AddSingleton(infrastructure.Store);
        services.AddSingleton<IPipelineStore>(infrastructure.Store);
        services.AddSingleton<IWarehouseQueries>(infrastructure.Store);
        services.AddSingleton<IAccessStore>(infrastructure.Store);
        services.AddSingleton(infrastructure.KafkaCluster);
        services.AddFraudScoringServices(settings.Fraud, settings.Kafka, RuleSet.Default);
        services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(90));
        services.AddAkka(settings.Akka.SystemName, (builder, _) => builder
            .ConfigureLoggers(loggers =>
            {
                // Akka drops events below Info before they reach the logging filters (Logging:LogLevel:Akka, :AkkaFraud).
                loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaEventLogger>();
            })
            .WithClusterMember(settings.Akka)
            .WithCustomSerializer("akkafraud-node", NodeMessageSerializer.Types, system => new NodeMessageSerializer(system))
            .WithRuleBook(settings.RuleBook)
            .WithLiveFeed(settings)
            .WithNodeAgent(settings));
        return services;
    }
}
