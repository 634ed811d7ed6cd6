using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AkkaFraud.Node.Hosting;

/// <summary>A started node: its web application (host, actor system, Kestrel) and the infrastructure it opened.</summary>
internal sealed class RunningNode : IAsyncDisposable
{
    private RunningNode(WebApplication app, NodeSettings settings, NodeInfrastructure infrastructure)
    {
        App = app;
        Settings = settings;
        Infrastructure = infrastructure;
        LoginToken = settings.IsWeb ? app.Services.GetRequiredService<Security.LoginLinks>().Issue() : null;
    }

    public WebApplication App { get; }

    public NodeSettings Settings { get; }

    public NodeInfrastructure Infrastructure { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Embedded mode's one-time sign-in token (the banner's link); null in a cluster.</summary>
    public string? LoginToken { get; }

    /// <summary>The banner's one-time sign-in link; null in a cluster.</summary>
    public string? LoginLink => LoginToken is { } token ? $"{Dashboard}/?{Security.LoginLinks.QueryName}={token}" : null;

    private string Dashboard => Addresses is [var first, ..] ? first : Settings.Urls;

    /// <summary>The addresses Kestrel listens on (the real ports, also when port 0 was asked for).</summary>
    public IReadOnlyList<string> Addresses =>
        [.. App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    public static async Task<RunningNode> StartAsync(WebApplication app, NodeSettings settings, NodeInfrastructure infrastructure)
    {
        try
        {
            await app.StartAsync();
            return new RunningNode(app, settings, infrastructure);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Ports in use (HTTP or remoting) and the like: one line for the operator, not a stack trace.
            await StopQuietlyAsync(app);
            await infrastructure.DisposeAsync();
            throw new NodeConfigurationException(
                $"The node could not start: {e.GetBaseException().Message.TrimEnd('.')}. If an address is in use, stop the other process or choose another one (--urls http://localhost:5081 for HTTP, Node__Port for remoting).");
        }
    }

    /// <summary>What the node prints once at start: mode, where the dashboard is, and (only when generated) the admin token.</summary>
    public string Banner()
    {
        var text = new StringBuilder();
        var dashboard = Dashboard;
        if (Settings.Mode == NodeMode.Embedded)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"AkkaFraud node, embedded: single-node cluster, in-process Kafka at {Settings.Kafka.BootstrapServers} ({Settings.Fraud.Partitions} partitions), simulator at {Settings.Simulator.TransactionsPerSecond} tx/s, SQLite in {Settings.DataDirectory}\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture,
                $"AkkaFraud node {Settings.Akka.SelfAddress}, roles {string.Join(',', Settings.Akka.Roles)}, Kafka {Settings.Kafka.BootstrapServers}\n");
        }

        if (Settings.IsWeb)
        {
            text.Append(CultureInfo.InvariantCulture, $"  Dashboard:   {dashboard}\n");
            if (LoginLink is { } link)
            {
                text.Append(CultureInfo.InvariantCulture, $"  Sign in:     {link}  (opens an admin session once; then sign in with the admin token)\n");
            }

            text.Append(Settings.AdminTokenGenerated
                ? $"  Admin token: {Settings.AdminToken}  (generated for this run; set {NodeSettings.AdminTokenVariable} to choose one)\n"
                : $"  Admin token: from {NodeSettings.AdminTokenVariable}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"  Health: {dashboard}/ready   Metrics: {dashboard}/metrics   API: {dashboard}/openapi/v1.json   Stop: Ctrl+C");
        return text.ToString();
    }

    /// <summary>A graceful stop: the pipeline drains and commits, the node leaves the cluster; then the warehouse closes.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopQuietlyAsync(App);
        await App.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }

    private static async Task StopQuietlyAsync(WebApplication app)
    {
        try
        {
            await app.StopAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }
}
