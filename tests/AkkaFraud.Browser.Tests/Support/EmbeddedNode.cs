using AkkaFraud.TestSupport;
using Microsoft.Playwright;

namespace AkkaFraud.Browser.Tests.Support;

/// <summary>
/// One embedded node and one Chromium shared by the tests that do not restart the node: the node runs in a temporary
/// working directory (its ./data included) deleted afterwards. Where Chromium is absent and not required, it starts
/// nothing (the tests skip).
/// </summary>
public sealed class EmbeddedNode : IAsyncLifetime, IDisposable
{
    private TempDirectory? _directory;
    private NodeProcess? _node;
    private IPlaywright? _playwright;

    internal NodeProcess Node => _node ?? throw new InvalidOperationException("the node did not start");

    internal IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        try
        {
            _directory = new TempDirectory("akkafraud-browser-");
            _node = await NodeProcess.StartAsync("embedded", _directory.Path, TestPorts.Free());
            (_playwright, Browser) = await Chromium.LaunchAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
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

[CollectionDefinition(Name)]
public sealed class EmbeddedNodeTests : ICollectionFixture<EmbeddedNode>
{
    public const string Name = "embedded node";
}
