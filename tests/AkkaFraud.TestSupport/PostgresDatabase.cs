using Npgsql;
using Xunit;

namespace AkkaFraud.TestSupport;

/// <summary>
/// A fresh, empty PostgreSQL database for one test class (use it as an <c>IClassFixture</c>), created on the
/// server named by <c>AKKAFRAUD_TEST_POSTGRES</c> and dropped when the class is done. <c>./test.sh</c> starts a
/// throwaway server and sets the variable; running <c>dotnet test</c> directly needs it set by hand.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string ServerVariable = "AKKAFRAUD_TEST_POSTGRES";

    private readonly NpgsqlConnectionStringBuilder _server;

    public PostgresDatabase()
    {
        _server = new NpgsqlConnectionStringBuilder(ServerConnectionString());
        Name = $"akkafraud_test_{Guid.NewGuid():N}";
        ConnectionString = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = Name }.ConnectionString;
    }

    /// <summary>The database's name, unique per fixture instance.</summary>
    public string Name { get; }

    /// <summary>Connection string to this class's own database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's connection string from the environment, or a failure that says how to provide one.</summary>
    public static string ServerConnectionString() =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set. Run the tests with ./test.sh, which starts a throwaway PostgreSQL server, " +
                $"or set {ServerVariable} to a connection string of a server where this user may create databases, " +
                "e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Password=secret\".");

#if XUNIT_V3
    public async ValueTask InitializeAsync()
#else
    public async Task InitializeAsync()
#endif
    {
        await using var connection = await OpenServerAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

#if XUNIT_V3
    public async ValueTask DisposeAsync()
#else
    public async Task DisposeAsync()
#endif
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = await OpenServerAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<NpgsqlConnection> OpenServerAsync()
    {
        // The maintenance database: the one named in the variable, else "postgres".
        var builder = new NpgsqlConnectionStringBuilder(_server.ConnectionString)
        {
            Database = _server.Database ?? "postgres",
            Pooling = false,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
