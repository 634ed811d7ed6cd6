using Microsoft.Data.Sqlite;

namespace AkkaFraud.Storage.Tests;

/// <summary>The contract against SQLite; every test gets its own database file in a temporary directory.</summary>
public sealed class SqliteFraudStoreTests : FraudStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("akkafraud-sqlite-").FullName;

    protected override StoreProvider Provider => StoreProvider.Sqlite;

    protected override Task<FraudStoreSettings> NewStorageAsync() => Task.FromResult(new FraudStoreSettings
    {
        Provider = StoreProvider.Sqlite,
        // A directory that does not exist yet: the store creates it, as the embedded mode's ./data.
        ConnectionString = $"Data Source={Path.Combine(_directory, Guid.NewGuid().ToString("N"), "fraud.db")}",
    });

    protected override async Task<IReadOnlyList<int>> AppliedMigrationsAsync(FraudStoreSettings settings)
    {
        await using var connection = new SqliteConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
