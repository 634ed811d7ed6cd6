using System.Text.Json;
using AkkaFraud.Browser.Tests.Support;
using AkkaFraud.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AkkaFraud.Browser.Tests;

/// <summary>The Live page of a running embedded node: its counters move, and fraud injected from the page shows up in the feed.</summary>
[Collection(EmbeddedNodeTests.Name)]
public sealed class The_live_page(EmbeddedNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "live";
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 60_000 };

    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Shows_rising_counters_and_an_injected_fraud_in_the_feed_with_its_reasons()
    {
        var page = _page;
        // Signed in as the admin, who may run the simulator (a viewer sees no controls).
        await SignIn.AsAsync(page, NodeProcess.AdminToken, "#/live");
        await Expect(page.GetByTestId("live-page")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("connection-state")).ToHaveTextAsync("connected", Patiently);

        // Throughput above zero, and the running total of scored transactions (the tile's sub line) moving on.
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=tile-tps]')?.dataset.value) > 0", null, Waiting());
        var scored = page.GetByTestId("tile-tps").Locator(".tile-sub");
        await Expect(scored).ToContainTextAsync("scored", new() { Timeout = 60_000 });
        var firstTotal = await scored.TextContentAsync();
        await Expect(scored).Not.ToHaveTextAsync(firstTotal!, Patiently);
        var updated = await page.GetByTestId("metrics-at").TextContentAsync();
        await Expect(page.GetByTestId("metrics-at")).Not.ToHaveTextAsync(updated!, Patiently);
        await Artifacts.ScreenshotAsync(page, Test, 1, "counters-rising");

        // Inject a large amount through the page's simulator card, as an operator would.
        var simulator = page.GetByTestId("simulator");
        await Expect(simulator).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.GetByTestId("sim-scenario").SelectOptionAsync("large-amount");
        // The simulator draws large amounts from 8,000 up, so about one in seventeen stays under the rule's 9,000 and
        // is rightly not flagged: inject again (as an operator would) until the stored verdict has the large-amount reason.
        using var http = new HttpClient { BaseAddress = fixture.Node.BaseAddress };
        var account = string.Empty;
        string[] transactionIds = [];
        for (var attempt = 1; ; attempt++)
        {
            var response = await page.RunAndWaitForResponseAsync(
                () => page.GetByTestId("sim-inject").ClickAsync(),
                r => r.Url.EndsWith("/api/simulator/inject", StringComparison.Ordinal) && r.Request.Method == "POST",
                new() { Timeout = 60_000 });
            var body = await response.TextAsync();
            Assert.True(response.Ok, $"POST /api/simulator/inject answered {response.Status}: {body}");
            var injected = JsonDocument.Parse(body).RootElement;
            account = injected.GetProperty("accountId").GetString()!;
            transactionIds = [.. injected.GetProperty("transactionIds").EnumerateArray().Select(e => e.GetString()!)];
            output.WriteLine($"injected large-amount on {account}: {string.Join(", ", transactionIds)}");
            await Expect(page.GetByTestId("sim-result")).ToContainTextAsync(account, new() { Timeout = 60_000 });
            if (transactionIds.Length == 0 || await StoredVerdicts.AnyHasReasonAsync(http, transactionIds, "large-amount", TimeSpan.FromMinutes(1)))
            {
                break;
            }

            Assert.True(attempt < 5, "five large-amount injections in a row stayed under the rule's limit: the simulator's amounts changed");
        }

        // The alert arrives in the live feed: that account, a large-amount reason, a decision badge.
        var row = page.GetByTestId("alert-row")
            .Filter(new() { Has = page.GetByTestId("alert-account").Filter(new() { HasTextString = account }) })
            .Filter(new() { Has = page.Locator("[data-testid=alert-reasons] [title^='large-amount']") })
            .First;
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var transactionId = await row.GetAttributeAsync("data-transaction-id");
        if (transactionIds.Length > 0)
        {
            Assert.Contains(transactionId, transactionIds);
        }

        await Expect(row.GetByTestId("alert-reasons")).Not.ToBeEmptyAsync();
        Assert.NotEqual("—", (await row.GetByTestId("alert-reasons").TextContentAsync())?.Trim());
        await Expect(row.GetByTestId("decision-badge")).ToHaveAttributeAsync("data-decision", new System.Text.RegularExpressions.Regex("^(review|block)$"));
        await row.ScrollIntoViewIfNeededAsync();
        await Artifacts.ScreenshotAsync(page, Test, 2, "injected-fraud-in-feed");
    }

    private static PageWaitForFunctionOptions Waiting() => new() { Timeout = 60_000, PollingInterval = 250 };
}
