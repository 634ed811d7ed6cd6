using AkkaFraud.Browser.Tests.Support;
using AkkaFraud.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AkkaFraud.Browser.Tests;

/// <summary>An open dashboard survives its node's restart: it says so while the node is gone and comes back live, without a reload.</summary>
public sealed class The_dashboard_after_a_node_restart(ITestOutputHelper output)
{
    private const string Test = "reconnect";

    [BrowserFact]
    public async Task Reconnects_by_itself_and_shows_fresh_metrics_without_a_reload()
    {
        using var directory = new TempDirectory("akkafraud-browser-restart-");
        var port = TestPorts.Free();
        var console = new List<string>();
        NodeProcess? node = null;
        IPlaywright? playwright = null;
        IBrowser? browser = null;
        try
        {
            node = await NodeProcess.StartAsync("reconnect-first-run", directory.Path, port);
            (playwright, browser) = await Chromium.LaunchAsync();
            var page = await Chromium.NewPageAsync(browser, node.BaseAddress, console);
            var state = page.GetByTestId("connection-state");
            var updated = page.GetByTestId("metrics-at");

            await Chromium.OpenAsync(page, "/#/live");
            await Expect(state).ToHaveTextAsync("connected", new() { Timeout = 60_000 });
            await WaitForThroughputAsync(page);
            // A mark that only survives if the page is never reloaded.
            await page.EvaluateAsync("() => { window.__sameDocument = 'before-restart'; }");
            await Artifacts.ScreenshotAsync(page, Test, 1, "connected");

            await node.StopAsync();
            await Expect(state).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(reconnecting|disconnected)$"), new() { Timeout = 60_000 });
            output.WriteLine($"after SIGINT: {await state.TextContentAsync()}");
            await Artifacts.ScreenshotAsync(page, Test, 2, "node-stopped");
            var lastBeforeRestart = await updated.TextContentAsync();
            await node.DisposeAsync();
            node = null;

            // The same node again: same port, same working directory (and so the same ./data).
            node = await NodeProcess.StartAsync("reconnect-second-run", directory.Path, port);
            await Expect(state).ToHaveTextAsync("connected", new() { Timeout = 120_000 });
            await Expect(updated).Not.ToHaveTextAsync(lastBeforeRestart!, new() { Timeout = 60_000 });
            var afterReconnect = await updated.TextContentAsync();
            await Expect(updated).Not.ToHaveTextAsync(afterReconnect!, new() { Timeout = 60_000 });
            await WaitForThroughputAsync(page);
            var scored = page.GetByTestId("tile-tps").Locator(".tile-sub");
            var total = await scored.TextContentAsync();
            await Expect(scored).Not.ToHaveTextAsync(total!, new() { Timeout = 60_000 });
            Assert.Equal("before-restart", await page.EvaluateAsync<string?>("() => window.__sameDocument ?? null"));
            // The restarted node scores its new Kafka from the start: no offsets of the previous run's Kafka in the way.
            Assert.DoesNotContain("Kafka source failed", node.Output, StringComparison.Ordinal);
            await Artifacts.ScreenshotAsync(page, Test, 3, "reconnected");
        }
        finally
        {
            lock (console)
            {
                foreach (var line in console)
                {
                    output.WriteLine(line);
                }
            }

            if (browser is not null)
            {
                await browser.DisposeAsync();
            }

            playwright?.Dispose();
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>Throughput above zero on the Live page's tile (the node scores its simulator's traffic).</summary>
    private static async Task WaitForThroughputAsync(IPage page) =>
        await page.WaitForFunctionAsync(
            "() => Number(document.querySelector('[data-testid=tile-tps]')?.dataset.value) > 0",
            null,
            new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 250 });
}
