using System.Net;
using System.Net.Sockets;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Storage;
using Microsoft.Extensions.Configuration;

namespace AkkaFraud.Node.Tests;

public sealed class Node_settings
{
    private const string Postgres = "Host=db;Username=fraud;Password=secret-password";
    private const string Token = "0123456789abcdef0123";

    private static NodeSettings Load(params (string Key, string Value)[] values) =>
        NodeSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    private static string Error(params (string Key, string Value)[] values) =>
        Assert.Throws<NodeConfigurationException>(() => Load(values)).Message;

    [Fact]
    public void Nothing_configured_is_the_embedded_mode_with_every_role_sqlite_a_simulator_and_a_generated_token()
    {
        var settings = Load();

        Assert.Equal(NodeMode.Embedded, settings.Mode);
        Assert.True(settings.IsScorer && settings.IsWeb);
        Assert.Equal(StoreProvider.Sqlite, settings.Storage.Provider);
        Assert.True(settings.Simulator.Enabled);
        Assert.Equal(200, settings.Simulator.TransactionsPerSecond);
        Assert.True(settings.AdminTokenGenerated);
        Assert.True(settings.AdminToken!.Length >= NodeSettings.MinAdminTokenLength);
        Assert.Equal(NodeSettings.DefaultUrl, settings.Urls);
        // A cluster of its own on a port remoting picks when it binds: no seed list, it joins itself.
        Assert.Equal((0, true), (settings.Akka.Port, settings.Akka.JoinSelf));
        Assert.Empty(settings.Akka.SeedNodes);
        Assert.NotEqual(settings.AdminToken, Load().AdminToken);
    }

    [Fact]
    public void Kafka_and_a_connection_string_make_a_cluster_node_on_postgresql_without_a_simulator()
    {
        var settings = Load(("Kafka:BootstrapServers", "kafka:9092"), ("ConnectionStrings:Fraud", Postgres), ("Node:SeedNodes", "akka.tcp://akkafraud@10.0.0.5:4053"),
            ("Node:Roles", "scorer"));

        Assert.Equal(NodeMode.Cluster, settings.Mode);
        Assert.Equal(StoreProvider.PostgreSql, settings.Storage.Provider);
        Assert.False(settings.Simulator.Enabled);
        Assert.True(settings.IsScorer);
        Assert.False(settings.IsWeb);
        Assert.Null(settings.AdminToken);
        Assert.Equal(4053, settings.Akka.Port);
    }

    [Theory]
    [InlineData("Kafka:BootstrapServers", "kafka:9092", "ConnectionStrings__Fraud")]
    [InlineData("ConnectionStrings:Fraud", Postgres, "Kafka__BootstrapServers")]
    public void Half_a_cluster_configuration_names_the_missing_half(string key, string value, string missing)
    {
        var message = Error((key, value));
        Assert.Contains(missing, message, StringComparison.Ordinal);
        Assert.Contains("embedded", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_node_without_seed_nodes_is_told_how_to_list_them()
    {
        var message = Error(("Kafka:BootstrapServers", "kafka:9092"), ("ConnectionStrings:Fraud", Postgres), ("AKKAFRAUD_ADMIN_TOKEN", Token));
        Assert.Contains("Node__SeedNodes", message, StringComparison.Ordinal);
        Assert.Contains("akka.tcp://akkafraud@", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Node:Roles", "scorer,cook", "cook")]
    [InlineData("Node:SeedNodes", "http://seed:4053", "akka.tcp://akkafraud@host:port")]
    [InlineData("Node:SeedNodes", "akka.tcp://other@seed:4053", "system name")]
    [InlineData("Node:Port", "seventy", "Node:Port")]
    [InlineData("AKKAFRAUD_ADMIN_TOKEN", "short", "too short")]
    [InlineData("Kafka:GroupId", "", "GroupId")]
    [InlineData("Fraud:BatchSize", "0", "Fraud:BatchSize")]
    [InlineData("Fraud:BatchSize", "many", "Check the spelling")]
    [InlineData("Node:HoconFile", "/no/such/akka.conf", "/no/such/akka.conf")]
    public void A_wrong_cluster_setting_is_named(string key, string value, string named)
    {
        (string, string)[] valid = [("Kafka:BootstrapServers", "kafka:9092"), ("ConnectionStrings:Fraud", Postgres), ("Node:SeedNodes", "akka.tcp://akkafraud@10.0.0.5:4053"), ("AKKAFRAUD_ADMIN_TOKEN", Token)];
        Assert.NotNull(Load(valid));

        var message = Error([.. valid.Where(v => v.Item1 != key), (key, value)]);

        Assert.Contains(named, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_web_node_needs_the_shared_admin_token()
    {
        var message = Error(("Kafka:BootstrapServers", "kafka:9092"), ("ConnectionStrings:Fraud", Postgres), ("Node:SeedNodes", "akka.tcp://akkafraud@10.0.0.5:4053"));
        Assert.Contains("AKKAFRAUD_ADMIN_TOKEN", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_error_never_repeats_the_password()
    {
        var message = Error(("Kafka:BootstrapServers", "kafka:9092"), ("ConnectionStrings:Fraud", "Password=secret-password;Username=x"),
            ("Node:SeedNodes", "akka.tcp://akkafraud@10.0.0.5:4053"), ("AKKAFRAUD_ADMIN_TOKEN", Token));
        Assert.Contains("ConnectionStrings__Fraud", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1000000")]
    public void A_rate_out_of_range_says_the_range(string rate)
    {
        var message = Error(("Simulator:TransactionsPerSecond", rate));
        Assert.Contains("--rate", message, StringComparison.Ordinal);
        Assert.Contains("between 0 and", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Simulator:Enabled", "sometimes")]
    [InlineData("Simulator:TransactionsPerSecond", "fast")]
    [InlineData("Live:AlertBufferPerClient", "lots")]
    public void A_value_of_the_wrong_type_names_the_setting(string key, string value)
    {
        var message = Error((key, value));
        Assert.Contains(key, message, StringComparison.Ordinal);
        Assert.Contains("Check the spelling", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_mode_refuses_a_partial_role_list()
    {
        Assert.Contains("embedded mode runs every role", Error(("Node:Roles", "web")), StringComparison.Ordinal);
    }
}

public sealed class Seed_node_addresses
{
    private static readonly Dictionary<string, IPAddress[]> Dns = new(StringComparer.Ordinal)
    {
        ["scorer"] = [IPAddress.Parse("172.18.0.12"), IPAddress.Parse("172.18.0.4"), IPAddress.Parse("fe80::1")],
        ["web"] = [IPAddress.Parse("172.18.0.9")],
    };

    private static IPAddress[] Resolve(string host) =>
        Dns.TryGetValue(host, out var addresses) ? addresses : throw new SocketException((int)SocketError.HostNotFound);

    private static Uri Seed(string host) => new($"akka.tcp://akkafraud@{host}:4053");

    [Fact]
    public void A_host_name_stands_for_every_ipv4_address_it_resolves_to_in_the_same_order_on_every_node()
    {
        var forward = SeedNodeAddresses.Expand([Seed("web"), Seed("scorer")], Resolve);
        var backward = SeedNodeAddresses.Expand([Seed("scorer"), Seed("web")], Resolve);

        Assert.Equal(["akka.tcp://akkafraud@172.18.0.4:4053", "akka.tcp://akkafraud@172.18.0.9:4053", "akka.tcp://akkafraud@172.18.0.12:4053"], forward);
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void A_name_not_in_dns_yet_is_skipped_and_an_address_is_kept_as_written()
    {
        var seeds = SeedNodeAddresses.Expand([Seed("no-scorer-yet"), Seed("10.1.2.3"), Seed("web")], Resolve);

        Assert.Equal(["akka.tcp://akkafraud@10.1.2.3:4053", "akka.tcp://akkafraud@172.18.0.9:4053"], seeds);
    }

    [Fact]
    public void A_seed_list_in_which_no_name_resolves_says_so()
    {
        var message = Assert.Throws<NodeConfigurationException>(() => NodeSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = "kafka:9092",
                ["ConnectionStrings:Fraud"] = "Host=db;Username=fraud;Password=secret-password",
                ["Node:SeedNodes"] = "akka.tcp://akkafraud@no-such-host.invalid:4053",
                ["Node:Roles"] = "scorer",
            }).Build())).Message;

        Assert.Contains("no-such-host.invalid", message, StringComparison.Ordinal);
        Assert.Contains("resolves", message, StringComparison.Ordinal);
    }
}
