using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Sharding.External;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Cluster.Serialization;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFraud.Cluster;

/// <summary>
/// The scoring cluster's Akka.Hosting wiring, one extension per area. They take their collaborators from the service
/// provider: <see cref="IPipelineStore"/>, <see cref="KafkaClusterIdentity"/>, <see cref="RuleSetSource"/>, <see cref="PartitionProgress"/>,
/// <see cref="FraudSettings"/>, <see cref="KafkaSettings"/>, <see cref="PipelineStats"/> and <see cref="TimeProvider"/>.
/// </summary>
public static class FraudClusterHosting
{
    /// <summary>Our messages travel in <see cref="FraudMessageSerializer"/>'s binary form, never in a JSON default.</summary>
    public static AkkaConfigurationBuilder AddFraudSerialization(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer("akkafraud", [typeof(IFraudMessage), typeof(FraudAlert)], system => new FraudMessageSerializer(system));

    /// <summary>
    /// On scorer nodes: the <c>account</c> shard region (entities = <see cref="AccountActor"/>, shard = Kafka partition,
    /// placed by <see cref="ExternalShardAllocationStrategy"/> on the node that owns the partition) and the node's
    /// checkpoint loader. On other nodes: a proxy to the region. Either way registered as <see cref="AccountRegion"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithFraudSharding(this AkkaConfigurationBuilder builder, bool scorer) =>
        builder.WithActors(async (system, registry, resolver) =>
        {
            var sharding = ClusterSharding.Get(system);
            if (!scorer)
            {
                registry.Register<AccountRegion>(await sharding.StartProxyAsync(
                    ShardingSetup.AccountTypeName, ShardingSetup.ScorerRole, new AccountMessageExtractor()));
                return;
            }

            var store = resolver.GetService<IPipelineStore>();
            var rules = resolver.GetService<RuleSetSource>();
            var progress = resolver.GetService<PartitionProgress>();
            var accountSettings = resolver.GetService<FraudSettings>().ToAccountSettings();
            var loader = system.ActorOf(CheckpointLoader.Props(store, resolver.GetService<KafkaClusterIdentity>()), "checkpoint-loader");
            var region = await sharding.StartAsync(
                ShardingSetup.AccountTypeName,
                entityId => entityId == LocateShard.EntityId ? ShardLocator.Props() : AccountActor.Props(entityId, loader, rules, progress, accountSettings),
                ClusterShardingSettings.Create(system).WithRole(ShardingSetup.ScorerRole),
                new AccountMessageExtractor(),
                new StartOnceAllocationStrategy(new ExternalShardAllocationStrategy(system, ShardingSetup.AccountTypeName)),
                PoisonPill.Instance);
            registry.Register<AccountRegion>(region);
        });

    /// <summary>
    /// On scorer nodes: the pipeline, kept running by its supervisor, drained on shutdown (coordinated shutdown's
    /// service-unbind phase, before the node leaves the cluster, so in-flight records are committed first).
    /// </summary>
    public static AkkaConfigurationBuilder WithFraudPipeline(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var kafka = resolver.GetService<KafkaSettings>();
            var producer = KafkaProducer.Create(kafka);
            var supervisor = system.ActorOf(PipelineSupervisor.Props(
                resolver.GetService<FraudSettings>(),
                kafka,
                resolver.GetService<IPipelineStore>(),
                resolver.GetService<KafkaClusterIdentity>(),
                registry.Get<AccountRegion>(),
                resolver.GetService<PartitionProgress>(),
                producer,
                DistributedPubSub.Get(system).Mediator,
                resolver.GetService<TimeProvider>(),
                resolver.GetService<PipelineStats>()), "scoring-pipeline");
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "drain-scoring-pipeline", async () =>
            {
                await supervisor.Ask<Akka.Done>(PipelineSupervisor.Drain.Instance, TimeSpan.FromSeconds(60));
                producer.Flush(TimeSpan.FromSeconds(10));
                producer.Dispose();
                return Akka.Done.Instance;
            });
        });

    /// <summary>Registers the services the wiring above takes from the container.</summary>
    public static IServiceCollection AddFraudScoringServices(this IServiceCollection services, FraudSettings settings, KafkaSettings kafka, RuleSet ruleSet)
    {
        services.AddSingleton(settings);
        services.AddSingleton(kafka);
        services.AddSingleton(new RuleSetSource(ruleSet));
        services.AddSingleton<PartitionProgress>();
        services.AddSingleton<PipelineStats>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
