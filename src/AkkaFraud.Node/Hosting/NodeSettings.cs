using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AkkaFraud.Cluster;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Cluster.Rules;
using AkkaFraud.Node.Security;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;

namespace AkkaFraud.Node.Hosting;

/// <summary>
/// Every setting of the node, read once at start from configuration (appsettings, environment, command line) and
/// validated: <see cref="Load"/> throws <see cref="NodeConfigurationException"/> with one line saying what is wrong.
/// </summary>
internal sealed record NodeSettings
{
    public const string AdminTokenVariable = "AKKAFRAUD_ADMIN_TOKEN";
    public const string AnonymousRoleVariable = "Security__AnonymousRole";
    public const string WebRole = "web";
    public const string DefaultUrl = "http://localhost:5080";
    public const int MinAdminTokenLength = 16;

    /// <summary>Short command-line switches: <c>--rate 500</c>, <c>--port 5081</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--rate"] = "Simulator:TransactionsPerSecond",
        ["--roles"] = "Node:Roles",
        ["--data"] = "Node:DataDirectory",
        ["--seed-nodes"] = "Node:SeedNodes",
    };

    public required NodeMode Mode { get; init; }
    public required ClusterMemberOptions Akka { get; init; }
    public required KafkaSettings Kafka { get; init; }
    public required FraudSettings Fraud { get; init; }
    public required FraudStoreSettings Storage { get; init; }

    /// <summary>The rule book's journal: in the warehouse's PostgreSQL database, or in its own SQLite file beside the warehouse's.</summary>
    public required RuleBookSettings RuleBook { get; init; }
    public required SimulatorSettings Simulator { get; init; }
    public required LiveSettings Live { get; init; }
    public required string DataDirectory { get; init; }
    public required string Urls { get; init; }

    /// <summary>The token mutating endpoints require; null on nodes without the web role.</summary>
    public required string? AdminToken { get; init; }

    /// <summary>True when the token was generated at start (embedded mode without <see cref="AdminTokenVariable"/>): it is printed once.</summary>
    public required bool AdminTokenGenerated { get; init; }

    /// <summary>
    /// The role of a request without credentials: viewer by default in embedded mode (a local demo), none (null) in a
    /// cluster, where every request needs an API key or the admin token.
    /// </summary>
    public required Role? AnonymousRole { get; init; }

    /// <summary>Identity providers, sessions, throttling of refused credentials, CORS.</summary>
    public SecuritySettings Security { get; init; } = new();

    public bool IsScorer => Akka.IsScorer;

    public bool IsWeb => Akka.Roles.Contains(WebRole, StringComparer.Ordinal);

    public static NodeSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var bootstrap = configuration["Kafka:BootstrapServers"];
        var warehouse = configuration.GetConnectionString("Fraud");
        var mode = (string.IsNullOrWhiteSpace(bootstrap), string.IsNullOrWhiteSpace(warehouse)) switch
        {
            (true, true) => NodeMode.Embedded,
            (false, false) => NodeMode.Cluster,
            (false, true) => throw new NodeConfigurationException(
                "Kafka__BootstrapServers is set but ConnectionStrings__Fraud is not: a cluster node needs both, set ConnectionStrings__Fraud to the PostgreSQL connection string (e.g. \"Host=db;Username=fraud;Password=...\"), or unset Kafka__BootstrapServers to run embedded."),
            (true, false) => throw new NodeConfigurationException(
                "ConnectionStrings__Fraud is set but Kafka__BootstrapServers is not: a cluster node needs both, set Kafka__BootstrapServers to the brokers (e.g. \"kafka:9092\"), or unset ConnectionStrings__Fraud to run embedded."),
        };

        var dataDirectory = Path.GetFullPath(configuration["Node:DataDirectory"] ?? "data");
        var kafka = Bind(() => KafkaSettings.FromConfiguration(configuration));
        var fraud = Bind(() => FraudSettings.FromConfiguration(configuration.GetSection(FraudSettings.SectionName)));
        var storage = mode == NodeMode.Embedded
            ? Bind(() => EmbeddedStorage(configuration, dataDirectory))
            : Bind(() => ClusterStorage(configuration, warehouse!));
        var simulator = Bind(() => (configuration.GetSection("Simulator").Get<SimulatorSettings>() ?? new SimulatorSettings())
            with
        { Enabled = configuration.GetValue("Simulator:Enabled", mode == NodeMode.Embedded) });
        ValidateSimulator(simulator);
        var live = Bind(() => configuration.GetSection("Live").Get<LiveSettings>() ?? new LiveSettings());
        if (live.AlertBufferPerClient < 1 || live.MaxAlertPushesPerSecond is < 1 or > 1000 || live.StalledClientTimeoutSeconds < 1)
        {
            throw new NodeConfigurationException(
                "Live:AlertBufferPerClient and Live:StalledClientTimeoutSeconds must be at least 1, and Live:MaxAlertPushesPerSecond between 1 and 1000.");
        }

        var akka = (mode == NodeMode.Embedded ? EmbeddedAkka(configuration) : ClusterAkka(configuration)) with
        {
            HoconOverrideFile = HoconOverrideFile(configuration),
        };
        var isWeb = akka.Roles.Contains(WebRole, StringComparer.Ordinal);
        var token = configuration[AdminTokenVariable];
        var generated = false;
        if (string.IsNullOrEmpty(token))
        {
            if (mode == NodeMode.Cluster && isWeb)
            {
                throw new NodeConfigurationException(
                    $"{AdminTokenVariable} is not set: web nodes of a cluster share one admin token. Set it to the same secret on every web node (e.g. the output of `openssl rand -hex 32`).");
            }

            token = isWeb ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : null;
            generated = isWeb;
        }
        else if (token.Length < MinAdminTokenLength)
        {
            throw new NodeConfigurationException(
                $"{AdminTokenVariable} is too short ({token.Length} characters): use at least {MinAdminTokenLength}, e.g. the output of `openssl rand -hex 32`.");
        }

        return new NodeSettings
        {
            Mode = mode,
            Akka = akka,
            Kafka = kafka,
            Fraud = fraud,
            Storage = storage,
            RuleBook = Bind(() => RuleBookOf(configuration, storage, dataDirectory)),
            Simulator = simulator,
            Live = live,
            DataDirectory = dataDirectory,
            Urls = configuration["urls"] is { Length: > 0 } urls ? urls : DefaultUrl,
            AdminToken = token,
            AdminTokenGenerated = generated,
            AnonymousRole = ReadAnonymousRole(configuration["Security:AnonymousRole"], mode),
            Security = SecuritySettings.Load(configuration),
        };
    }

    private static Role? ReadAnonymousRole(string? configured, NodeMode mode)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return mode == NodeMode.Embedded ? Role.Viewer : null;
        }

        if (configured.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Roles.TryParse(configured, out var role)
            ? role
            : throw new NodeConfigurationException(
                $"{AnonymousRoleVariable} is \"{configured}\": it must be none, {Roles.Choices} (the role of a request without credentials).");
    }

    private static T Bind<T>(Func<T> bind)
    {
        try
        {
            return bind();
        }
        catch (ArgumentException e)
        {
            throw new NodeConfigurationException(e.Message);
        }
        catch (InvalidOperationException e)
        {
            // The configuration binder: a value that does not convert, or an unknown key under Kafka.
            throw new NodeConfigurationException($"{e.Message.TrimEnd('.')}. Check the spelling and the value's format (numbers, durations such as 00:00:05).");
        }
    }

    private static RuleBookSettings RuleBookOf(IConfiguration configuration, FraudStoreSettings storage, string dataDirectory)
    {
        // Its own SQLite file: one writer per file, and the warehouse's batch writer is busy.
        var settings = storage.Provider == StoreProvider.PostgreSql
            ? new RuleBookSettings(storage.ConnectionString, LinqToDB.ProviderName.PostgreSQL15)
            : new RuleBookSettings($"Data Source={Path.Combine(SqliteDirectory(storage.ConnectionString) ?? dataDirectory, "rulebook.db")}", LinqToDB.ProviderName.SQLiteMS);
        settings = settings with { SnapshotEvery = configuration.GetValue("Rules:SnapshotEvery", settings.SnapshotEvery) };
        return settings.SnapshotEvery >= 1 ? settings
            : throw new NodeConfigurationException($"Rules:SnapshotEvery is {settings.SnapshotEvery}: the rule book needs a snapshot every 1 or more entries (default 50).");
    }

    private static string? SqliteDirectory(string connectionString) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource is { Length: > 0 } path && path != ":memory:"
            ? Path.GetDirectoryName(Path.GetFullPath(path))
            : null;

    private static FraudStoreSettings EmbeddedStorage(IConfiguration configuration, string dataDirectory)
    {
        var settings = new FraudStoreSettings
        {
            Provider = StoreProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(dataDirectory, "akkafraud.db")}",
        };
        configuration.GetSection(FraudStoreSettings.SectionName).Bind(settings);
        settings.Validate();
        return settings;
    }

    private static FraudStoreSettings ClusterStorage(IConfiguration configuration, string connectionString)
    {
        var settings = new FraudStoreSettings();
        configuration.GetSection(FraudStoreSettings.SectionName).Bind(settings);
        settings.Provider = StoreProvider.PostgreSql;
        settings.ConnectionString = connectionString;
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                "ConnectionStrings__Fraud is not a valid PostgreSQL connection string: " + e.Message.Replace($"{FraudStoreSettings.SectionName}:ConnectionString is not a valid PostgreSql connection string ", string.Empty, StringComparison.Ordinal)
                + " Expected something like \"Host=db;Port=5432;Username=fraud;Password=...;Database=fraud\".", e);
        }

        return settings;
    }

    private static void ValidateSimulator(SimulatorSettings simulator)
    {
        if (!double.IsFinite(simulator.TransactionsPerSecond) || simulator.TransactionsPerSecond < 0 || simulator.TransactionsPerSecond > SimulatorSettings.MaxTransactionsPerSecond)
        {
            throw new NodeConfigurationException(
                $"Simulator:TransactionsPerSecond (--rate) is {simulator.TransactionsPerSecond.ToString(CultureInfo.InvariantCulture)}: it must be between 0 and {SimulatorSettings.MaxTransactionsPerSecond}, e.g. --rate 200.");
        }

        if (simulator.Accounts is < 1 or > 5_000_000)
        {
            throw new NodeConfigurationException($"Simulator:Accounts must be between 1 and 5000000 (it is {simulator.Accounts}).");
        }

        if (simulator.FraudShare is < 0 or > 0.5 || simulator.InvalidShare is < 0 or > 0.5)
        {
            throw new NodeConfigurationException("Simulator:FraudShare and Simulator:InvalidShare must lie between 0 and 0.5.");
        }
    }

    private static ClusterMemberOptions EmbeddedAkka(IConfiguration configuration)
    {
        var roles = configuration["Node:Roles"];
        if (!string.IsNullOrWhiteSpace(roles) && ParseRoles(roles) is var parsed && !(parsed.Contains(ShardingSetup.ScorerRole) && parsed.Contains(WebRole)))
        {
            throw new NodeConfigurationException(
                $"Node:Roles is \"{roles}\" but embedded mode runs every role (scorer,web) in one process: remove Node:Roles, or set Kafka__BootstrapServers and ConnectionStrings__Fraud to run as a cluster node.");
        }

        // Port 0 by default: remoting binds a free port itself, and the node joins whatever address that gave it.
        var port = configuration.GetValue<int?>("Node:Port") is { } configured and > 0 ? configured : 0;
        return new ClusterMemberOptions { Hostname = "127.0.0.1", Port = port, Roles = [ShardingSetup.ScorerRole, WebRole], JoinSelf = true };
    }

    private static ClusterMemberOptions ClusterAkka(IConfiguration configuration)
    {
        var roles = ParseRoles(configuration["Node:Roles"] ?? $"{ShardingSetup.ScorerRole},{WebRole}");
        var unknown = roles.Where(r => r != ShardingSetup.ScorerRole && r != WebRole).ToList();
        if (roles.Count == 0 || unknown.Count > 0)
        {
            throw new NodeConfigurationException(
                $"Node:Roles has {(roles.Count == 0 ? "no role" : $"unknown role(s) {string.Join(", ", unknown)}")}: use \"scorer\", \"web\" or \"scorer,web\".");
        }

        var hostname = configuration["Node:Hostname"] is { Length: > 0 } h ? h : "0.0.0.0";
        var publicHostname = configuration["Node:PublicHostname"] is { Length: > 0 } p ? p : hostname == "0.0.0.0" ? SeedNodeAddresses.OwnAddress() : null;
        var portText = configuration["Node:Port"] ?? "4053";
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new NodeConfigurationException($"Node:Port is \"{portText}\": it must be the remoting port, 1 to 65535 (default 4053).");
        }

        var seedsText = configuration["Node:SeedNodes"];
        var seedTexts = (seedsText ?? string.Join(',', configuration.GetSection("Node:SeedNodes").GetChildren().Select(c => c.Value)))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (seedTexts.Length == 0)
        {
            throw new NodeConfigurationException(
                "Node:SeedNodes is not set: a cluster node joins through seed nodes. Set Node__SeedNodes to a comma-separated list such as \"akka.tcp://akkafraud@web:4053,akka.tcp://akkafraud@scorer:4053\" (a host name stands for every address it resolves to).");
        }

        var options = new ClusterMemberOptions
        {
            Hostname = hostname,
            PublicHostname = publicHostname,
            Port = port,
            Roles = roles,
        };
        var seedUris = new List<Uri>();
        foreach (var seed in seedTexts)
        {
            if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Scheme != "akka.tcp" || uri.UserInfo != options.SystemName || uri.Port <= 0)
            {
                throw new NodeConfigurationException(
                    $"Node:SeedNodes entry \"{seed}\" is not a node address: write akka.tcp://{options.SystemName}@host:port (the system name must be \"{options.SystemName}\").");
            }

            seedUris.Add(uri);
        }

        var seeds = SeedNodeAddresses.Expand(seedUris, Dns.GetHostAddresses);
        if (seeds.Count == 0)
        {
            throw new NodeConfigurationException(
                $"none of the host names in Node:SeedNodes ({string.Join(", ", seedUris.Select(u => u.Host).Distinct())}) resolves to an address: start the seed service first, or fix the names.");
        }

        return options with { SeedNodes = seeds };
    }

    private static string? HoconOverrideFile(IConfiguration configuration)
    {
        if (configuration["Node:HoconFile"] is not { Length: > 0 } file)
        {
            return null;
        }

        var path = Path.GetFullPath(file);
        return File.Exists(path)
            ? path
            : throw new NodeConfigurationException($"Node:HoconFile names {path}, which does not exist: mount the file there, or unset Node__HoconFile to run with the shipped hocon/akkafraud.conf.");
    }

    private static List<string> ParseRoles(string roles) =>
        [.. roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => r.ToLowerInvariant()).Distinct()];
}
