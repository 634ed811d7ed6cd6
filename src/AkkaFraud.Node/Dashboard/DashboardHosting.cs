using System.Reflection;
using Microsoft.Extensions.FileProviders;

namespace AkkaFraud.Node.Dashboard;

/// <summary>
/// Serves the dashboard (static files, and index.html for every other route: it routes in the browser). It comes from
/// the <c>wwwroot</c> next to the node's binaries (a published node) or the one the build wrote into the project
/// (<c>dotnet run</c>). Without a built dashboard, <c>/</c> says how to build it.
/// </summary>
internal static class DashboardHosting
{
    public const string NotBuilt =
        """
        AkkaFraud node: the API, the live hub and the metrics run, but the dashboard is not built.

        Build it with Node.js 20 or later installed:  dotnet build src/AkkaFraud.Node
        (or by hand: cd src/AkkaFraud.Dashboard && npm ci && npm run build), then restart the node.

        Meanwhile: /api/totals, /api/alerts, /openapi/v1.json, /metrics, /ready.
        """;

    public static string? FindRoot()
    {
        var published = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (File.Exists(Path.Combine(published, "index.html")))
        {
            return published;
        }

        var built = typeof(DashboardHosting).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "DashboardRoot")?.Value;
        return built is not null && File.Exists(Path.Combine(built, "index.html")) ? built : null;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var root = FindRoot();
        if (root is null)
        {
            app.MapGet("/", () => TypedResults.Text(NotBuilt, "text/plain; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapFallbackToFile("index.html", new StaticFileOptions { FileProvider = files }).AllowAnonymous();
        return app;
    }
}
