using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace AkkaFraud.Storage;

public enum StoreProvider
{
    /// <summary>The embedded mode's single-file database (Microsoft.Data.Sqlite).</summary>
    Sqlite,

    /// <summary>The cluster's warehouse (Npgsql, binary COPY).</summary>
    PostgreSql,
}

/// <summary>
/// Where the store lives and how hard it retries. Bound from the <c>Storage</c> configuration section, e.g.
/// <c>Storage__Provider=PostgreSql</c>, <c>Storage__ConnectionString=Host=db;Username=fraud;Password=...</c>,
/// <c>Storage__Retry__MaxAttempts=10</c>. The defaults are the embedded mode's: SQLite under <c>./data</c>.
/// </summary>
public sealed class FraudStoreSettings
{
    public const string SectionName = "Storage";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>An Npgsql connection string for PostgreSQL, a Microsoft.Data.Sqlite one (<c>Data Source=path</c>) for SQLite.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/akkafraud.db";

    /// <summary>Longest a single statement may run before it fails (and counts as a transient failure).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// PostgreSQL: how long a session may sit inside an open transaction waiting for its client before the server ends
    /// it. A writer frozen mid-batch (a stalled VM, a long pause, SIGSTOP) holds its partitions' offset rows locked; this
    /// bounds how long it blocks the node that took its partitions over. Batches never wait on their client this long.
    /// The server also enforces <see cref="CommandTimeout"/> itself, for a client frozen in the middle of a statement.
    /// </summary>
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public StoreRetrySettings Retry { get; set; } = new();

    /// <summary>Binds the settings from a configuration section (usually <c>configuration.GetSection("Storage")</c>) and validates them.</summary>
    public static FraudStoreSettings FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var settings = new FraudStoreSettings();
        section.Bind(settings);
        settings.Validate();
        return settings;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException($"{SectionName}:ConnectionString is empty; set it to a connection string for {Provider}.");
        }

        try
        {
            _ = Provider switch
            {
                StoreProvider.PostgreSql => new NpgsqlConnectionStringBuilder(ConnectionString).Host
                    ?? throw new ArgumentException("it names no Host"),
                StoreProvider.Sqlite => new SqliteConnectionStringBuilder(ConnectionString).DataSource is { Length: > 0 } path
                    ? path
                    : throw new ArgumentException("it names no Data Source"),
                _ => throw new ArgumentException($"unknown provider {Provider}"),
            };
        }
        catch (ArgumentException e)
        {
            // The message never repeats the connection string: it may hold a password.
            throw new ArgumentException(
                $"{SectionName}:ConnectionString is not a valid {Provider} connection string ({e.Message}). " +
                $"Set {SectionName}:Provider to {StoreProvider.PostgreSql} or {StoreProvider.Sqlite} to match it.", e);
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{SectionName}:CommandTimeout must be positive.");
        }

        if (IdleInTransactionTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{SectionName}:IdleInTransactionTimeout must be positive.");
        }

        Retry.Validate();
    }
}

/// <summary>
/// Retries of transient failures: attempt n waits <c>min(MaxBackoff, InitialBackoff * 2^(n-1))</c> (±20 % jitter)
/// before attempt n+1; after <see cref="MaxAttempts"/> the last error is thrown. The defaults ride out a server restart
/// of about ten seconds.
/// </summary>
public sealed class StoreRetrySettings
{
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        if (MaxAttempts < 1)
        {
            throw new ArgumentException($"{FraudStoreSettings.SectionName}:Retry:MaxAttempts must be at least 1.");
        }

        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException(
                $"{FraudStoreSettings.SectionName}:Retry:InitialBackoff must be non-negative and at most Retry:MaxBackoff.");
        }
    }
}
