namespace AkkaFraud.EndToEnd.Tests.Support;

/// <summary>
/// The node as the container image's publish stage makes it: <c>dotnet publish</c> of src/AkkaFraud.Node (the build
/// already ran, dashboard included, so it is not repeated) into a folder of its own, next to the shipped hocon/.
/// Shared by every test of the collection; deleted at the end.
/// </summary>
public sealed class PublishedNode : IAsyncLifetime
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("akkafraud-published-").FullName;

    /// <summary>The entry assembly: <c>dotnet AkkaFraud.Node.dll</c>, as the image's ENTRYPOINT runs it.</summary>
    public string Dll => Path.Combine(_directory, "AkkaFraud.Node.dll");

    public string Directory => _directory;

    public async Task InitializeAsync()
    {
        var publish = await Tool.RunAsync("dotnet",
            ["publish", Repository.File("src", "AkkaFraud.Node", "AkkaFraud.Node.csproj"), "-c", Repository.Configuration, "--no-build", "-o", _directory, "-nologo"],
            Repository.Root, TimeSpan.FromMinutes(5));
        publish.ShouldSucceed("dotnet publish of the node");
        Assert.True(File.Exists(Dll), $"dotnet publish wrote no {Dll}");
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedNodeTests : ICollectionFixture<PublishedNode>
{
    public const string Name = "published node";
}
