using System.Globalization;
using System.Text.Json;
using AkkaFraud.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AkkaFraud.Browser.Tests;

/// <summary>
/// The backtest page of an embedded node, signed in as the admin: it starts from the rules in force, runs them over the
/// last hour's stored transactions (the same rules flag the same transactions, rule by rule in the table), says under
/// the editor what is not JSON before anything is sent, and shows the node's sentence for a rule set it refuses.
/// </summary>
[Collection(EmbeddedNodeTests.Name)]
public sealed class The_backtest_page(EmbeddedNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "backtest";
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 60_000 };

    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    private static long LeadingNumber(string? text) =>
        long.Parse(new string((text ?? string.Empty).TakeWhile(c => char.IsAsciiDigit(c) || c == ',').Where(char.IsAsciiDigit).ToArray()), CultureInfo.InvariantCulture);

    [BrowserFact]
    public async Task Runs_the_rules_in_force_over_the_last_hour_and_refuses_what_is_not_a_rule_set()
    {
        var page = _page;
        using var http = new HttpClient { BaseAddress = fixture.Node.BaseAddress };
        var inForce = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/rules", UriKind.Relative))).RootElement;
        var ruleIds = inForce.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        // The simulator has been producing since the node started; make sure some of it is stored.
        for (var waited = 0; JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/totals", UriKind.Relative))).RootElement.GetProperty("transactions").GetInt64() < 100; waited++)
        {
            Assert.True(waited < 120, "the embedded node stored fewer than 100 transactions in a minute");
            await Task.Delay(500);
        }

        await SignIn.AsAsync(page, NodeProcess.AdminToken, "#/backtest");
        var editor = page.GetByTestId("backtest-rules");
        await Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"large-amount\""), new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("nav-backtest")).ToBeVisibleAsync();

        await page.GetByTestId("backtest-range").SelectOptionAsync("60");
        await page.GetByTestId("backtest-run").ClickAsync();
        await Expect(page.GetByTestId("backtest-status")).ToContainTextAsync("Done in", Patiently);
        Assert.True(LeadingNumber(await page.GetByTestId("backtest-transactions").TextContentAsync()) >= 100);
        var flagged = LeadingNumber(await page.GetByTestId("backtest-flagged").TextContentAsync());
        Assert.Equal(flagged, LeadingNumber(await page.GetByTestId("backtest-against-flagged").TextContentAsync()));
        await Expect(page.GetByTestId("backtest-newly")).ToHaveTextAsync("—");
        await Expect(page.GetByTestId("backtest-no-longer")).ToHaveTextAsync("—");
        Assert.Equal(string.Join(' ', ruleIds), await page.GetByTestId("backtest-rule").EvaluateAllAsync<string>("rows => rows.map(r => r.dataset.rule).join(' ')"));
        await Artifacts.ScreenshotAsync(page, Test, 1, "rules-in-force");

        await editor.FillAsync("{\"version\": 2, \"rules\": [");
        await Expect(page.GetByTestId("backtest-rules-problem")).ToContainTextAsync("Not a rule set");
        await Expect(page.GetByTestId("backtest-run")).ToBeDisabledAsync();

        await editor.FillAsync("""{"version": 2, "rules": [{"type": "threshold", "id": "big", "weight": 50, "limit": -5}]}""");
        await Expect(page.GetByTestId("backtest-rules-problem")).ToBeEmptyAsync();
        await page.GetByTestId("backtest-run").ClickAsync();
        await Expect(page.GetByTestId("backtest-error")).ToContainTextAsync("rule set is invalid", Patiently);
        await Artifacts.ScreenshotAsync(page, Test, 2, "refused");

        await page.GetByTestId("backtest-reset").ClickAsync();
        await Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"large-amount\""));

        // The one error the browser reports is the refused rule set's 400, as a failed resource.
        Assert.Empty(Chromium.Errors(_console, "the server responded with a status of 400"));
    }
}
