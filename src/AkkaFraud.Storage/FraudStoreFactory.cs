using AkkaFraud.Storage.Internal;
using AkkaFraud.Storage.Postgres;
using AkkaFraud.Storage.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaFraud.Storage;

/// <summary>Creates the store the settings name and brings its schema up to date before returning it.</summary>
public static class FraudStoreFactory
{
    /// <summary>
    /// Validates <paramref name="settings"/>, opens the database and applies pending migrations (safe when several
    /// nodes start at once; retried like any other operation while the database is still starting).
    /// </summary>
    public static async Task<IFraudStore> CreateAsync(
        FraudStoreSettings settings, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        SqlDialect dialect = settings.Provider switch
        {
            StoreProvider.PostgreSql => new PostgresDialect(settings),
            StoreProvider.Sqlite => new SqliteDialect(settings),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Provider, "unknown provider"),
        };
        var store = new SqlFraudStore(dialect, settings.Retry, loggerFactory.CreateLogger<SqlFraudStore>());
        try
        {
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }
}

