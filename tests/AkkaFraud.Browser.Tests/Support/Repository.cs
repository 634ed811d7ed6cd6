namespace AkkaFraud.Browser.Tests.Support;

/// <summary>Where the repository and the built node are, seen from the test's output directory.</summary>
internal static class Repository
{
    /// <summary>The directory holding AkkaFraud.sln (walking up from tests/AkkaFraud.Browser.Tests/bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string Root { get; } = AkkaFraud.TestSupport.RepositoryRoot.Path;

    /// <summary>Release or Debug: the configuration this test assembly was built in, and so the node's.</summary>
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string TargetFramework => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;

    /// <summary>
    /// The node's build output (src/AkkaFraud.Node/bin/&lt;Configuration&gt;/net10.0/AkkaFraud.Node.dll), after checking
    /// that the dashboard was built into its wwwroot: the browser tests mean nothing against the "not built" page.
    /// </summary>
    public static string NodeDll()
    {
        var output = Path.Combine(Root, "src", "AkkaFraud.Node", "bin", Configuration, TargetFramework);
        var dll = Path.Combine(output, "AkkaFraud.Node.dll");
        Assert.True(File.Exists(dll), $"The node is not built at {dll}: build it first (./test.sh builds it with this test project).");

        string[] dashboards = [Path.Combine(output, "wwwroot", "index.html"), Path.Combine(Root, "src", "AkkaFraud.Node", "wwwroot", "index.html")];
        Assert.True(dashboards.Any(File.Exists),
            $"The dashboard is not built: none of {string.Join(", ", dashboards)} exists. `dotnet build src/AkkaFraud.Node` builds it " +
            "(it needs Node.js 20+ and npm; a build with -p:SkipDashboardBuild=true leaves it out).");
        return dll;
    }
}
