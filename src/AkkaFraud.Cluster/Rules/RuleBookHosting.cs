using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using AkkaFraud.Cluster.Accounts;

namespace AkkaFraud.Cluster.Rules;

/// <summary>
/// Where the rule book's journal and snapshots live: a linq2db provider name (<c>PostgreSQL15</c>, <c>SQLite.MS</c>)
/// and its connection string; a snapshot every <see cref="SnapshotEvery"/> entries; a node pulls the rule set in force
/// every <see cref="PullEvery"/> besides taking every publication.
/// </summary>
public sealed record RuleBookSettings(string ConnectionString, string ProviderName)
{
    public int SnapshotEvery { get; init; } = 50;

    public TimeSpan PullEvery { get; init; } = TimeSpan.FromSeconds(30);
}

public static class RuleBookHosting
{
    /// <summary>
    /// On every node: the journal (Akka.Persistence.Sql, tables created when missing), the <see cref="RuleBookActor"/>
    /// singleton with its proxy registered as <see cref="RuleBookActor"/>, and the follower that keeps this node's
    /// <see cref="RuleSetSource"/> at the rule set in force. A new book starts from the source's shipped rule set.
    /// </summary>
    public static AkkaConfigurationBuilder WithRuleBook(this AkkaConfigurationBuilder builder, RuleBookSettings settings) => builder
        .WithCustomSerializer("akkafraud-rules", RuleBookSerializer.Types, system => new RuleBookSerializer(system))
        .WithSqlPersistence(settings.ConnectionString, settings.ProviderName)
        .WithSingleton<RuleBookActor>("rule-book", (system, _, resolver) => RuleBookActor.Props(
            resolver.GetService<RuleSetSource>().Current, settings.SnapshotEvery, DistributedPubSub.Get(system).Mediator, resolver.GetService<TimeProvider>()))
        .WithActors((system, registry, resolver) => system.ActorOf(RuleSetFollower.Props(
            resolver.GetService<RuleSetSource>(), registry.Get<RuleBookActor>(), DistributedPubSub.Get(system).Mediator, settings.PullEvery), "rule-set-follower"));
}
