namespace AkkaFraud.EndToEnd.Tests.Support;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class Repository
{
    /// <summary>The folder holding AkkaFraud.sln, above this assembly's bin/.</summary>
    public static string Root { get; } = AkkaFraud.TestSupport.RepositoryRoot.Path;

    /// <summary>The build configuration this assembly was built in (the node is published from the same).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);
}
