using AkkaFraud.TestSupport;
using Microsoft.Playwright;

namespace AkkaFraud.Browser.Tests.Support;

/// <summary>
/// One embedded node and one Chromium shared by the tests of a collection that do not restart the node: the node runs
/// in a temporary working directory (its ./data included) deleted afterwards. Where Chromium is absent and not
/// required, it starts nothing (the tests skip).
/// </summary>
/// <param name="name">Names the node's log under artifacts/node-logs/ and its directory.</param>
/// <param name="settings">The node's settings beyond <see cref="NodeProcess"/>'s own, as command-line switches.</param>
internal sealed class SharedNode(string name, params string[] settings) : IAsyncDisposable, IDisposable
{
    private TempDirectory? _directory;
    private NodeProcess? _node;
    private IPlaywright? _playwright;

    public NodeProcess Node => _node ?? throw new InvalidOperationException("the node did not start");

    public IBrowser Browser { get; private set; } = null!;

    public async Task StartAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        try
        {
            _directory = new TempDirectory($"akkafraud-browser-{name}-");
            _node = await NodeProcess.StartAsync(name, _directory.Path, TestPorts.Free(), settings);
            (_playwright, Browser) = await Chromium.LaunchAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        _directory?.Dispose();
    }

    /// <summary>Only the temporary directory, should xunit dispose without <see cref="DisposeAsync"/>; deleting it twice is harmless.</summary>
    public void Dispose() => _directory?.Dispose();
}

/// <summary>An embedded node as a user starts it: an anonymous visitor is a viewer.</summary>
public sealed class EmbeddedNode : IAsyncLifetime, IDisposable
{
    private readonly SharedNode _shared = new("embedded");

    internal NodeProcess Node => _shared.Node;

    internal IBrowser Browser => _shared.Browser;

    public Task InitializeAsync() => _shared.StartAsync();

    public Task DisposeAsync() => _shared.DisposeAsync().AsTask();

    public void Dispose() => _shared.Dispose();
}

/// <summary>An embedded node closed as a cluster is by default (<c>Security:AnonymousRole=none</c>): every read needs a key or a session.</summary>
public sealed class ClosedNode : IAsyncLifetime, IDisposable
{
    private readonly SharedNode _shared = new("closed", "--Security:AnonymousRole=none");

    internal NodeProcess Node => _shared.Node;

    internal IBrowser Browser => _shared.Browser;

    public Task InitializeAsync() => _shared.StartAsync();

    public Task DisposeAsync() => _shared.DisposeAsync().AsTask();

    public void Dispose() => _shared.Dispose();
}

[CollectionDefinition(Name)]
public sealed class EmbeddedNodeTests : ICollectionFixture<EmbeddedNode>
{
    public const string Name = "embedded node";
}

[CollectionDefinition(Name)]
public sealed class ClosedNodeTests : ICollectionFixture<ClosedNode>
{
    public const string Name = "closed node";
}
