using AkkaFraud.TestSupport;
using Npgsql;

namespace AkkaFraud.Storage.Tests;

/// <summary>The contract against a real PostgreSQL server; every test gets its own schema of the class's database.</summary>
public sealed class PostgresFraudStoreTests(PostgresDatabase database) : FraudStoreContract, IClassFixture<PostgresDatabase>
{
    protected override StoreProvider Provider => StoreProvider.PostgreSql;

    protected override async Task<FraudStoreSettings> NewStorageAsync() => await PostgresStorage.NewSchemaAsync(database);

    protected override async Task<IReadOnlyList<int>> AppliedMigrationsAsync(FraudStoreSettings settings)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }
}

/// <summary>Fresh, isolated PostgreSQL storage inside a test class's database: a new schema, reached through the search path.</summary>
internal static class PostgresStorage
{
    public static async Task<FraudStoreSettings> NewSchemaAsync(PostgresDatabase database, Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        var schema = $"s_{Guid.NewGuid():N}";
        await using (var connection = await database.OpenAsync())
        await using (var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = schema };
        configure?.Invoke(builder);
        return new FraudStoreSettings
        {
            Provider = StoreProvider.PostgreSql,
            ConnectionString = builder.ConnectionString,
            Retry = new StoreRetrySettings { MaxAttempts = 8, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromSeconds(1) },
        };
    }
}
