using AkkaFraud.Node.Apis;
using AkkaFraud.Node.Dashboard;
using AkkaFraud.Node.Health;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Node.Live;
using AkkaFraud.Node.Management;
using AkkaFraud.Node.Security;
using AkkaFraud.Node.Simulation;

// The AkkaFraud node. Embedded by default (a single-node cluster with an in-process Kafka, the simulator and SQLite);
// with Kafka__BootstrapServers and ConnectionStrings__Fraud, one node of a real deployment. Ctrl+C drains and exits 0.
try
{
    await using var node = await Program.StartAsync(args);
    Console.WriteLine(node.Banner());
    await node.App.WaitForShutdownAsync();
    return 0;
}
catch (NodeConfigurationException e)
{
    await Console.Error.WriteLineAsync($"akkafraud: {e.Message}");
    return 2;
}

public static partial class Program
{
    /// <summary>Builds and starts a node from command-line arguments (plus appsettings and the environment).</summary>
    internal static async Task<RunningNode> StartAsync(string[] args)
    {
        // appsettings.json ships next to the binaries; relative paths such as ./data stay relative to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, NodeSettings.SwitchMappings.ToDictionary());
        var settings = NodeSettings.Load(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(settings.Urls);
        }

        var (infrastructure, resolved) = await NodeInfrastructure.OpenAsync(settings, builder.Configuration.GetSection("Logging"));
        settings = resolved;

        builder.Services
            .AddNodeCore(settings, infrastructure)
            .AddLiveFeed(settings)
            .AddSimulatedTraffic(settings)
            .AddClusterManagement(settings)
            .AddAccessControl(settings)
            .AddRequestLimits(settings)
            .AddFraudHealthChecks(settings)
            .AddFraudTelemetry()
            .AddStoredBacktests()
            .AddNodeOpenApi();

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = SecurityHeaders.MaxRequestBodyBytes);
        var app = builder.Build();
        // Called here, not left to the host: the headers go on every response, and the audit records every mutation,
        // the limiter's 429 and the guard's 401 and 403 answers too.
        app.UseSecurityHeaders();
        if (settings.IsWeb)
        {
            app.UseAuditTrail();
        }

        if (settings.Security.CorsOrigins.Count > 0)
        {
            app.UseCors();
        }

        app.UseRateLimiter();

        app.UseAuthentication();
        if (settings.IsWeb)
        {
            app.UseLoginLinks();
            app.UseCsrfProtection();
        }

        app.UseAuthorization();
        app.MapFraudHealth();
        app.MapFraudMetrics();
        app.MapOpenApi().AllowAnonymous();
        if (settings.IsWeb)
        {
            app.MapLiveFeed(settings);
            app.MapAccessApi();
            app.MapAlertsApi();
            app.MapAccountsApi();
            app.MapStatsApi();
            app.MapSimulatorApi();
            app.MapDeadLettersApi();
            app.MapRulesApi();
            app.MapBacktestApi();
            app.MapClusterApi();
            app.MapDashboard();
        }

        return await RunningNode.StartAsync(app, settings, infrastructure);
    }
}
