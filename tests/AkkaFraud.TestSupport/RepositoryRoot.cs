namespace AkkaFraud.TestSupport;

/// <summary>The repository the running test assembly was built from.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder holding AkkaFraud.sln, found by walking up from the test assembly's bin/ folder.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "AkkaFraud.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AkkaFraud.sln above {AppContext.BaseDirectory}: run the tests from the repository (./test.sh).");
    }
}
