using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AkkaFraud.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AkkaFraud.Browser.Tests;

/// <summary>An embedded node of the rules page's tests alone: they change its rule book, which no other test should see.</summary>
public sealed class RulesNode : IAsyncLifetime, IDisposable
{
    private readonly SharedNode _shared = new("rules");

    internal NodeProcess Node => _shared.Node;

    internal IBrowser Browser => _shared.Browser;

    public Task InitializeAsync() => _shared.StartAsync();

    public Task DisposeAsync() => _shared.DisposeAsync().AsTask();

    public void Dispose() => _shared.Dispose();
}

[CollectionDefinition(Name)]
public sealed class RulesNodeTests : ICollectionFixture<RulesNode>
{
    public const string Name = "rules node";
}

/// <summary>What the rules page's tests ask of the node directly, with the admin token.</summary>
internal static class RuleBook
{
    public static async Task<JsonElement> HistoryAsync(Uri baseAddress)
    {
        using var admin = ApiKeys.AdminClient(baseAddress);
        return JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/rules/history", UriKind.Relative))).RootElement;
    }

    public static async Task<int> VersionAsync(Uri baseAddress) => (await HistoryAsync(baseAddress)).GetProperty("version").GetInt32();

    /// <summary>The newest entry of the history.</summary>
    public static async Task<JsonElement> NewestAsync(Uri baseAddress) => (await HistoryAsync(baseAddress)).GetProperty("entries")[0];

    public static ILocator RuleRow(IPage page, string ruleId) => page.Locator($"[data-testid=rules-row][data-rule='{ruleId}']");

    public static ILocator HistoryRow(IPage page, int version) => page.Locator($"[data-testid=rules-history-row][data-version='{version}']");
}

/// <summary>
/// The rules page of an embedded node, signed in as the admin: it shows the version in force and its rules; a rule is
/// disabled with a comment (a new version, in the history with the comment); the editor says at once what is not JSON
/// (and sends nothing), shows the node's sentence for a rule set it refuses (nothing changes), activates an edited
/// threshold as the next version; the difference to an older version is shown line by line; an older version is rolled
/// back to; a change made to a version no longer in force is refused with the node's sentence; and a dry run of edited rules over the last hour names what they would flag newly, linking to it.
/// The versions are counted from the one in force when the test starts (v1 on the node's first start).
/// </summary>
[Collection(RulesNodeTests.Name)]
public sealed class The_rules_page(RulesNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "rules";
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 60_000 };

    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    private static long LeadingNumber(string? text) =>
        long.Parse(new string((text ?? string.Empty).TakeWhile(c => char.IsAsciiDigit(c) || c == ',').Where(char.IsAsciiDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture);

    [BrowserFact]
    public async Task Disables_a_rule_refuses_what_is_not_a_valid_rule_set_activates_an_edit_shows_a_diff_rolls_back_and_dry_runs()
    {
        var page = _page;
        var node = fixture.Node.BaseAddress;
        var v = await RuleBook.VersionAsync(node);
        using var http = new HttpClient { BaseAddress = node };
        var inForce = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/rules", UriKind.Relative))).RootElement;
        Assert.Equal(v, inForce.GetProperty("version").GetInt32());
        var ruleIds = inForce.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Contains("card-testing", ruleIds);
        var rulesRequests = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/rules", StringComparison.Ordinal) || request.Url.Contains("/api/backtests", StringComparison.Ordinal))
            {
                lock (rulesRequests)
                {
                    rulesRequests.Add($"{request.Method} {request.Url}");
                }
            }
        };

        // 1. The rule set in force.
        await SignIn.AsAsync(page, NodeProcess.AdminToken, "#/rules");
        await Expect(page.GetByTestId("nav-rules")).ToHaveClassAsync(new Regex("active"));
        await Expect(page.GetByTestId("rules-version")).ToHaveTextAsync($"v{v}");
        await Expect(page.GetByTestId("rules-thresholds")).ToHaveTextAsync("review at 50, block at 80");
        Assert.Equal(string.Join(' ', ruleIds), await page.GetByTestId("rules-row").EvaluateAllAsync<string>("rows => rows.map(r => r.dataset.rule).join(' ')"));
        var cardTesting = RuleBook.RuleRow(page, "card-testing");
        await Expect(cardTesting).ToHaveAttributeAsync("data-enabled", "true");
        await Expect(cardTesting.GetByTestId("rules-params")).ToContainTextAsync("windowSeconds 600");
        await Expect(RuleBook.RuleRow(page, "large-amount").GetByTestId("rules-params")).ToHaveTextAsync("limit 9000");
        await Expect(page.GetByTestId("rules-editor")).ToHaveValueAsync(new Regex($"\"version\": {v},"));
        await Expect(RuleBook.HistoryRow(page, v)).ToBeVisibleAsync();
        await Expect(page.GetByTestId("role-hint")).ToHaveCountAsync(0);
        await Artifacts.ScreenshotAsync(page, Test, 1, "in-force");

        // 2. Disable a rule, with a comment.
        await page.GetByTestId("rules-comment").FillAsync("too noisy at night");
        await Expect(cardTesting.GetByTestId("rules-toggle")).ToHaveTextAsync("Disable");
        await cardTesting.GetByTestId("rules-toggle").ClickAsync();
        await Expect(page.GetByTestId("rules-status")).ToHaveTextAsync($"v{v + 1} in force: rule-disabled 'card-testing'");
        await Expect(page.GetByTestId("rules-version")).ToHaveTextAsync($"v{v + 1}");
        await Expect(cardTesting).ToHaveAttributeAsync("data-enabled", "false");
        await Expect(cardTesting.GetByTestId("rules-enabled")).ToHaveTextAsync("disabled");
        await Expect(cardTesting.GetByTestId("rules-toggle")).ToHaveTextAsync("Enable");
        var disabledRow = RuleBook.HistoryRow(page, v + 1);
        await Expect(disabledRow.GetByTestId("rules-history-change")).ToHaveTextAsync("rule-disabled");
        await Expect(disabledRow.GetByTestId("rules-history-rule")).ToHaveTextAsync("card-testing");
        await Expect(disabledRow.GetByTestId("rules-history-comment")).ToHaveTextAsync("too noisy at night");
        await Expect(disabledRow.GetByTestId("rules-history-who")).ToHaveTextAsync("admin token");
        await Expect(page.GetByTestId("rules-comment")).ToHaveValueAsync(string.Empty);
        // The editor was untouched: it now holds the new version, to be edited from.
        await Expect(page.GetByTestId("rules-editor")).ToHaveValueAsync(new Regex($"\"version\": {v + 1},"));
        var newest = await RuleBook.NewestAsync(node);
        Assert.Equal(v + 1, newest.GetProperty("version").GetInt32());
        Assert.Equal("rule-disabled", newest.GetProperty("change").GetString());
        Assert.Equal("card-testing", newest.GetProperty("ruleId").GetString());
        Assert.Equal("too noisy at night", newest.GetProperty("comment").GetString());
        await Artifacts.ScreenshotAsync(page, Test, 2, "disabled");

        // 3. What is not JSON is said under the editor at once, and nothing is sent.
        var editor = page.GetByTestId("rules-editor");
        var problem = page.GetByTestId("rules-editor-problem");
        lock (rulesRequests)
        {
            rulesRequests.Clear();
        }

        await editor.FillAsync("{\"version\": 2, \"rules\": [");
        await Expect(problem).ToContainTextAsync("Not a rule set");
        await Expect(page.GetByTestId("rules-activate")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("rules-dry-run")).ToBeDisabledAsync();
        await Task.Delay(500);
        lock (rulesRequests)
        {
            Assert.True(rulesRequests.Count == 0, "the editor sent requests for a text that is not JSON:\n" + string.Join('\n', rulesRequests));
        }

        await Artifacts.ScreenshotAsync(page, Test, 3, "not-json");

        // 4. A rule set the node refuses (two rules with one id): its sentence, where the parse errors go; nothing changes.
        await page.GetByTestId("rules-reset").ClickAsync();
        await Expect(problem).ToBeEmptyAsync();
        var ruleSet = JsonNode.Parse(await editor.InputValueAsync())!.AsObject();
        Assert.Equal(v + 1, (int)ruleSet["version"]!);
        var duplicate = ruleSet.DeepClone().AsObject();
        duplicate["rules"]!.AsArray().Add(duplicate["rules"]![0]!.DeepClone());
        await editor.FillAsync(duplicate.ToJsonString());
        await Expect(problem).ToBeEmptyAsync();
        await page.GetByTestId("rules-activate").ClickAsync();
        await Expect(problem).ToContainTextAsync($"rule id '{ruleIds[0]}' is used 2 times");
        await Expect(page.GetByTestId("rules-version")).ToHaveTextAsync($"v{v + 1}");
        Assert.Equal(v + 1, await RuleBook.VersionAsync(node));
        lock (rulesRequests)
        {
            // What step 3 counted on: the page's requests are seen.
            Assert.Contains(rulesRequests, r => r.StartsWith("PUT ", StringComparison.Ordinal));
        }

        await Artifacts.ScreenshotAsync(page, Test, 4, "refused");

        // 5. An edited threshold, activated.
        var lower = ruleSet.DeepClone().AsObject();
        lower["reviewThreshold"] = 45;
        await editor.FillAsync(lower.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await Expect(problem).ToBeEmptyAsync();
        await page.GetByTestId("rules-comment").FillAsync("fewer misses");
        await page.GetByTestId("rules-activate").ClickAsync();
        await Expect(page.GetByTestId("rules-status")).ToHaveTextAsync($"v{v + 2} in force: thresholds-changed");
        await Expect(page.GetByTestId("rules-thresholds")).ToHaveTextAsync("review at 45, block at 80");
        await Expect(editor).ToHaveValueAsync(new Regex($"\"version\": {v + 2},"));
        await Expect(RuleBook.HistoryRow(page, v + 2).GetByTestId("rules-history-comment")).ToHaveTextAsync("fewer misses");
        newest = await RuleBook.NewestAsync(node);
        Assert.Equal(v + 2, newest.GetProperty("version").GetInt32());
        Assert.Equal("thresholds-changed", newest.GetProperty("change").GetString());

        // 6. The difference from the version before to the one in force.
        await RuleBook.HistoryRow(page, v + 1).GetByTestId("rules-diff-button").ClickAsync();
        await Expect(page.GetByTestId("rules-diff-title")).ToHaveTextAsync($"From v{v + 1} to v{v + 2}");
        await Expect(page.GetByTestId("rules-diff-line")).ToHaveTextAsync(["~ reviewThreshold: 50 → 45"]);
        await RuleBook.HistoryRow(page, v).GetByTestId("rules-diff-button").ClickAsync();
        await Expect(page.GetByTestId("rules-diff-title")).ToHaveTextAsync($"From v{v} to v{v + 2}");
        await Expect(page.GetByTestId("rules-diff-line")).ToHaveTextAsync(["~ reviewThreshold: 50 → 45", "~ rule card-testing: enabled true → false"]);
        await Artifacts.ScreenshotAsync(page, Test, 5, "diff");

        // 7. Back to the version the test started from, as the next version.
        await Expect(RuleBook.HistoryRow(page, v + 2).GetByTestId("rules-rollback")).ToHaveCountAsync(0);
        await RuleBook.HistoryRow(page, v).GetByTestId("rules-rollback").ClickAsync();
        await Expect(page.GetByTestId("rules-status")).ToHaveTextAsync($"v{v + 3} in force: rolled-back to v{v}");
        await Expect(RuleBook.HistoryRow(page, v + 3).GetByTestId("rules-history-change")).ToHaveTextAsync($"rolled-back to v{v}");
        await Expect(page.GetByTestId("rules-version")).ToHaveTextAsync($"v{v + 3}");
        await Expect(page.GetByTestId("rules-thresholds")).ToHaveTextAsync("review at 50, block at 80");
        await Expect(cardTesting).ToHaveAttributeAsync("data-enabled", "true");
        newest = await RuleBook.NewestAsync(node);
        Assert.Equal(v + 3, newest.GetProperty("version").GetInt32());
        Assert.Equal("rolled-back", newest.GetProperty("change").GetString());
        Assert.Equal(v, newest.GetProperty("rolledBackTo").GetInt32());
        await Artifacts.ScreenshotAsync(page, Test, 6, "rolled-back");

        // 8. A change made behind the page's back: the page's next change is refused with the node's sentence, and the
        // page shows what is in force now.
        using (var admin = ApiKeys.AdminClient(node))
        {
            using var response = await admin.PatchAsJsonAsync(new Uri("/api/rules/velocity-burst", UriKind.Relative), new { version = v + 3, enabled = false, comment = "a script" });
            Assert.True(response.IsSuccessStatusCode, $"PATCH /api/rules/velocity-burst answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await Expect(page.GetByTestId("rules-version")).ToHaveTextAsync($"v{v + 3}");
        await RuleBook.RuleRow(page, "large-amount").GetByTestId("rules-toggle").ClickAsync();
        await Expect(page.GetByTestId("rules-error")).ToContainTextAsync($"v{v + 4} is in force");
        await Expect(page.GetByTestId("rules-version")).ToHaveTextAsync($"v{v + 4}");
        await Expect(RuleBook.RuleRow(page, "velocity-burst")).ToHaveAttributeAsync("data-enabled", "false");
        await Expect(RuleBook.RuleRow(page, "large-amount")).ToHaveAttributeAsync("data-enabled", "true");
        await Expect(RuleBook.HistoryRow(page, v + 4).GetByTestId("rules-history-comment")).ToHaveTextAsync("a script");
        Assert.Equal(v + 4, await RuleBook.VersionAsync(node));
        await Artifacts.ScreenshotAsync(page, Test, 7, "stale");

        // 9. A dry run of edited rules over the last hour: every payment over 0 flagged, which the rules in force do not.
        for (var waited = 0; JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/totals", UriKind.Relative))).RootElement.GetProperty("transactions").GetInt64() < 100; waited++)
        {
            Assert.True(waited < 120, "the node stored fewer than 100 transactions in a minute");
            await Task.Delay(500);
        }

        var everything = JsonNode.Parse(await editor.InputValueAsync())!.AsObject();
        Assert.Equal(v + 4, (int)everything["version"]!);
        var largeAmount = everything["rules"]!.AsArray().Single(r => (string?)r!["id"] == "large-amount")!;
        largeAmount["limit"] = 0;
        await editor.FillAsync(everything.ToJsonString());
        await page.GetByTestId("rules-dry-run").ClickAsync();
        await Expect(page.GetByTestId("rules-dry-run-status")).ToContainTextAsync("Done in", Patiently);
        await Expect(page.GetByTestId("rules-dry-run-flagged")).ToContainTextAsync($"by v{v + 4} in force");
        var newly = page.GetByTestId("rules-dry-run-newly").GetByRole(AriaRole.Link);
        await Expect(newly.First).ToHaveAttributeAsync("href", new Regex("^#/transactions/."));
        Assert.InRange(await newly.CountAsync(), 1, 5);
        var flagged = LeadingNumber(await page.GetByTestId("rules-dry-run-flagged").TextContentAsync());
        Assert.True(flagged > 0, "the dry run flagged nothing");
        // A dry run changes nothing.
        Assert.Equal(v + 4, await RuleBook.VersionAsync(node));
        await Artifacts.ScreenshotAsync(page, Test, 8, "dry-run");

        // The errors the browser reports are the refused rule set's 400 and the stale change's 409, as failed resources.
        Assert.Empty(Chromium.Errors(_console, "the server responded with a status of 400", "the server responded with a status of 409"));
    }
}

/// <summary>
/// An anonymous visitor of an embedded node, a viewer, sees the rule set in force, its history and the differences
/// between versions, but none of the controls that change it or dry-run an edit: each part says which role it needs.
/// </summary>
[Collection(RulesNodeTests.Name)]
public sealed class A_viewer_of_the_rules_page(RulesNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "rules-viewer";
    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Sees_the_rules_history_and_diffs_but_no_controls_and_is_told_which_role_they_need()
    {
        var page = _page;
        var node = fixture.Node.BaseAddress;
        // A change made by an admin's script, so that there is an older version to compare with.
        var v = await RuleBook.VersionAsync(node);
        using (var admin = ApiKeys.AdminClient(node))
        {
            using var response = await admin.PatchAsJsonAsync(new Uri("/api/rules/balance-mismatch", UriKind.Relative), new { version = v, enabled = false, comment = "checked by the viewer test" });
            Assert.True(response.IsSuccessStatusCode, $"PATCH /api/rules/balance-mismatch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await Chromium.OpenAsync(page, "/#/rules");
        await Expect(page.GetByTestId("whoami")).ToHaveTextAsync("anonymous viewer");
        await Expect(page.GetByTestId("rules-version")).ToHaveTextAsync($"v{v + 1}", new() { Timeout = 30_000 });
        var row = RuleBook.RuleRow(page, "balance-mismatch");
        await Expect(row).ToHaveAttributeAsync("data-enabled", "false");
        await Expect(row.GetByTestId("rules-params")).ToHaveTextAsync("tolerance 0.01");
        await Expect(RuleBook.RuleRow(page, "large-amount")).ToHaveAttributeAsync("data-enabled", "true");
        await Expect(page.GetByTestId("rules-history-row")).ToHaveCountAsync(v + 1);
        var newest = RuleBook.HistoryRow(page, v + 1);
        await Expect(newest.GetByTestId("rules-history-change")).ToHaveTextAsync("rule-disabled");
        await Expect(newest.GetByTestId("rules-history-comment")).ToHaveTextAsync("checked by the viewer test");

        // No controls, and a hint for each of them.
        await Expect(page.GetByTestId("rules-toggle")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-rollback")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-editor")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-activate")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-dry-run")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-comment")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-in-force").GetByTestId("role-hint")).ToHaveAttributeAsync("data-needs", "admin");
        await Expect(page.GetByTestId("rules-in-force").GetByTestId("role-hint")).ToContainTextAsync("Not signed in (anonymous viewer): enabling or disabling a rule needs the admin role.");
        await Expect(page.GetByTestId("rules-editor-card").GetByTestId("role-hint")).ToHaveAttributeAsync("data-needs", "analyst");
        await Expect(page.GetByTestId("rules-history").GetByTestId("role-hint")).ToHaveAttributeAsync("data-needs", "admin");

        // The differences are for everyone.
        await RuleBook.HistoryRow(page, v).GetByTestId("rules-diff-button").ClickAsync();
        await Expect(page.GetByTestId("rules-diff-title")).ToHaveTextAsync($"From v{v} to v{v + 1}");
        await Expect(page.GetByTestId("rules-diff-line")).ToHaveTextAsync(["~ rule balance-mismatch: enabled true → false"]);
        await Artifacts.ScreenshotAsync(page, Test, 1, "viewer");

        Assert.Empty(Chromium.Errors(_console));
    }
}

/// <summary>
/// An analyst (an API key of that role, signed in through the page) may dry-run an edited rule set over the last hour,
/// but not activate it, enable or disable a rule, or roll back: those say they need the admin role.
/// </summary>
[Collection(RulesNodeTests.Name)]
public sealed class An_analyst_on_the_rules_page(RulesNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "rules-analyst";
    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Dry_runs_an_edit_but_changes_nothing()
    {
        var page = _page;
        var node = fixture.Node.BaseAddress;
        var secret = await ApiKeys.CreateAsync(node, "ana", "analyst");
        var v = await RuleBook.VersionAsync(node);

        await SignIn.AsAsync(page, secret, "#/rules");
        await Expect(page.GetByTestId("whoami")).ToContainTextAsync("analyst");
        await Expect(page.GetByTestId("rules-version")).ToHaveTextAsync($"v{v}");
        var editor = page.GetByTestId("rules-editor");
        await Expect(editor).ToHaveValueAsync(new Regex($"\"version\": {v},"));
        await Expect(page.GetByTestId("rules-activate")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-toggle")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-rollback")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-comment")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("rules-editor-card").GetByTestId("role-hint")).ToContainTextAsync("Signed in as analyst: activating a rule set needs the admin role.");
        await Expect(page.GetByTestId("rules-in-force").GetByTestId("role-hint")).ToHaveAttributeAsync("data-needs", "admin");

        var ruleSet = JsonNode.Parse(await editor.InputValueAsync())!.AsObject();
        ruleSet["reviewThreshold"] = 30;
        await editor.FillAsync(ruleSet.ToJsonString());
        await page.GetByTestId("rules-dry-run").ClickAsync();
        await Expect(page.GetByTestId("rules-dry-run-status")).ToContainTextAsync("Done in", new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("rules-dry-run-flagged")).ToContainTextAsync($"by v{v} in force");
        await Expect(page.GetByTestId("rules-dry-run-error")).ToHaveCountAsync(0);
        Assert.Equal(v, await RuleBook.VersionAsync(node));
        await Artifacts.ScreenshotAsync(page, Test, 1, "dry-run");

        Assert.Empty(Chromium.Errors(_console));
    }
}
