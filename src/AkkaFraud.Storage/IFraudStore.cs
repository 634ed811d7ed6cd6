namespace AkkaFraud.Storage;

/// <summary>
/// The warehouse as its owner holds it: one object behind both ports, <see cref="IPipelineStore"/> (the batch writer's)
/// and <see cref="IWarehouseQueries"/> (the dashboard's), which is what everything else should ask for; the owner
/// disposes it. PostgreSQL (<see cref="StoreProvider.PostgreSql"/>) for clusters, SQLite
/// (<see cref="StoreProvider.Sqlite"/>) for the embedded mode; both pass the same contract tests. Create one with
/// <see cref="FraudStoreFactory.CreateAsync"/>. Instances are thread-safe; share one per process.
/// </summary>
public interface IFraudStore : IPipelineStore, IWarehouseQueries, IAccessStore, IAsyncDisposable
{
    /// <summary>Which database this store writes to.</summary>
    StoreProvider Provider { get; }
}
