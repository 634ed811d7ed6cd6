using System.Net.Http.Json;
using System.Text.Json;
using AkkaFraud.Browser.Tests.Support;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AkkaFraud.Browser.Tests;

/// <summary>
/// On a node that lets no one read without a key (a cluster's default), an anonymous visitor is sent to sign in; a
/// wrong key is refused with the node's sentence; the admin token signs in (the hub goes live on the session cookie,
/// which the page cannot read, and nothing is kept in storage); signing out leaves the visitor anonymous again.
/// </summary>
[Collection(ClosedNodeTests.Name)]
public sealed class The_sign_in_page(ClosedNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "sign-in";
    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Sends_an_anonymous_visitor_to_sign_in_refuses_a_wrong_key_and_signs_the_admin_in_and_out()
    {
        var page = _page;
        var whoami = page.GetByTestId("whoami");

        await Chromium.OpenAsync(page, "/#/live");
        await page.WaitForURLAsync(url => new Uri(url).Fragment.StartsWith("#/signin", StringComparison.Ordinal));
        Assert.Equal("#/signin?next=%23%2Flive", new Uri(page.Url).Fragment);
        await Expect(whoami).ToHaveTextAsync("not signed in");
        await Expect(page.GetByTestId("nav-signin")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signout")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("nav-audit")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("signin-problem")).ToHaveCountAsync(0);
        await Artifacts.ScreenshotAsync(page, Test, 1, "anonymous");

        await page.GetByTestId("signin-key").FillAsync("akf_not_a_key_of_this_node");
        await page.GetByTestId("signin-submit").ClickAsync();
        await Expect(page.GetByTestId("signin-error")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signin-error")).Not.ToBeEmptyAsync();
        await Expect(whoami).ToHaveTextAsync("not signed in");
        Assert.StartsWith("#/signin", new Uri(page.Url).Fragment, StringComparison.Ordinal);
        await Artifacts.ScreenshotAsync(page, Test, 2, "wrong-key");

        await page.GetByTestId("signin-key").FillAsync(NodeProcess.AdminToken);
        await page.GetByTestId("signin-submit").ClickAsync();
        // Once in CI the page never went on to #/live within a minute, and nothing said why: say what the page shows.
        try
        {
            await page.WaitForURLAsync(url => new Uri(url).Fragment == "#/live", new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            var shown = await page.GetByTestId("signin-error").AllInnerTextsAsync();
            Assert.Fail($"signed in with the admin token, the page stayed at {new Uri(page.Url).Fragment}; its error: '{string.Join(" ", shown)}'; console: {string.Join(" | ", _console)}\nnode:\n{fixture.Node.Output}");
        }

        await Expect(whoami).ToContainTextAsync("admin");
        await Expect(page.GetByTestId("nav-audit")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signout")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-signin")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("connection-state")).ToHaveTextAsync("connected", new() { Timeout = 60_000 });
        Assert.Equal(string.Empty, await page.EvaluateAsync<string>("() => document.cookie"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        await Artifacts.ScreenshotAsync(page, Test, 3, "signed-in");

        await page.GetByTestId("signout").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).Fragment.StartsWith("#/signin", StringComparison.Ordinal));
        await Expect(whoami).ToHaveTextAsync("not signed in");
        await Expect(page.GetByTestId("nav-signin")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-audit")).ToBeHiddenAsync();
        var me = JsonDocument.Parse(await (await page.APIRequest.GetAsync("/api/me")).TextAsync()).RootElement;
        Assert.False(me.GetProperty("authenticated").GetBoolean(), $"the node still sees a session after sign-out: {me}");
        await Artifacts.ScreenshotAsync(page, Test, 4, "signed-out");

        // The one error the browser reports is the wrong key's 401, as a failed resource.
        Assert.Empty(Chromium.Errors(_console, "the server responded with a status of 401"));
    }
}

/// <summary>
/// A viewer (an API key of that role, signed in through the page) sees the simulator's state, the cluster and the
/// dead letters, but none of their controls: no rate or inject, no Leave or Down, no Replay, no backtest; each page says which role
/// they need instead.
/// </summary>
[Collection(ClosedNodeTests.Name)]
public sealed class A_viewer(ClosedNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "viewer";
    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Sees_no_simulator_cluster_or_replay_controls_and_is_told_which_role_they_need()
    {
        var page = _page;
        var secret = await ApiKeys.CreateAsync(fixture.Node.BaseAddress, "vera", "viewer");
        var (partition, offset) = await ProduceDeadLetterAsync(fixture.Node.KafkaBootstrapServers);

        await SignIn.AsAsync(page, secret, "#/live");
        await Expect(page.GetByTestId("whoami")).ToContainTextAsync("vera");
        await Expect(page.GetByTestId("whoami")).ToContainTextAsync("viewer");
        await Expect(page.GetByTestId("nav-audit")).ToBeHiddenAsync();

        var simulator = page.GetByTestId("simulator");
        await Expect(simulator).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(simulator.GetByTestId("sim-status")).ToContainTextAsync("tx/s");
        await Expect(simulator.GetByTestId("role-hint")).ToContainTextAsync("Signed in as viewer");
        await Expect(simulator.GetByTestId("role-hint")).ToContainTextAsync("operator");
        await Expect(page.GetByTestId("sim-inject")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("sim-rate")).ToHaveCountAsync(0);
        await Artifacts.ScreenshotAsync(page, Test, 1, "live");

        await Chromium.OpenAsync(page, "/#/cluster");
        var clusterPage = page.GetByTestId("cluster-page");
        await Expect(clusterPage.GetByTestId("node-card")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(clusterPage.GetByTestId("role-hint")).ToContainTextAsync("operator");
        await Expect(page.GetByTestId("node-leave")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("node-down")).ToHaveCountAsync(0);
        await Artifacts.ScreenshotAsync(page, Test, 2, "cluster");

        await Expect(page.GetByTestId("nav-backtest")).ToBeHiddenAsync();
        await Chromium.OpenAsync(page, "/#/backtest");
        await Expect(page.GetByTestId("backtest-page").GetByTestId("role-hint")).ToContainTextAsync("needs the analyst role");
        await Expect(page.GetByTestId("backtest-run")).ToHaveCountAsync(0);

        // The letter commits within a batch or two; the page opens it once it is there (a 404 would be a console error).
        await WaitUntilStoredAsync(partition, offset);
        await Chromium.OpenAsync(page, $"/#/dead-letters/{partition}/{offset}");
        var letter = page.GetByTestId("dlq-letter");
        await Expect(letter).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(letter.GetByTestId("dlq-payload")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("dlq-page").GetByTestId("role-hint")).ToContainTextAsync("operator");
        await Expect(page.GetByTestId("dlq-replay")).ToHaveCountAsync(0);
        await Artifacts.ScreenshotAsync(page, Test, 3, "dead-letter");

        Assert.Empty(Chromium.Errors(_console));
    }

    private async Task WaitUntilStoredAsync(int partition, long offset)
    {
        using var admin = ApiKeys.AdminClient(fixture.Node.BaseAddress);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await admin.GetAsync(new Uri($"/api/dead-letters/{partition}/{offset}", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"dead letter {partition}/{offset} not stored within 60 s (last answer {(int)response.StatusCode})");
            await Task.Delay(500);
        }
    }

    private static async Task<(int Partition, long Offset)> ProduceDeadLetterAsync(string bootstrapServers)
    {
        using var producer = KafkaProducer.Create(new KafkaSettings { BootstrapServers = bootstrapServers });
        var delivered = await producer.ProduceAsync("transactions", new Message<byte[]?, byte[]?>
        {
            Key = "viewer"u8.ToArray(),
            Value = System.Text.Encoding.UTF8.GetBytes($"not a transaction {Guid.NewGuid():N}"),
        });
        return (delivered.Partition.Value, delivered.Offset.Value);
    }
}

/// <summary>
/// The audit page (admin) lists the API's mutations newest first, fifty at a time: a key created before fifty-five
/// rate changes is on the second page, which "Older" loads, until there is nothing older.
/// </summary>
[Collection(ClosedNodeTests.Name)]
public sealed class The_audit_page(ClosedNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "audit";
    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Lists_a_key_creation_and_pages_to_older_records()
    {
        var page = _page;
        var name = $"auditee-{Guid.NewGuid():N}"[..20];
        await ApiKeys.CreateAsync(fixture.Node.BaseAddress, name, "analyst");
        using (var admin = ApiKeys.AdminClient(fixture.Node.BaseAddress))
        {
            for (var i = 0; i < 55; i++)
            {
                using var response = await admin.PutAsJsonAsync(new Uri("/api/simulator/rate", UriKind.Relative), new { transactionsPerSecond = 100 });
                Assert.True(response.IsSuccessStatusCode, $"PUT /api/simulator/rate answered {(int)response.StatusCode}");
            }
        }

        await SignIn.AsAsync(page, NodeProcess.AdminToken, "#/audit");
        var rows = page.GetByTestId("audit-row");
        await Expect(rows).ToHaveCountAsync(50, new() { Timeout = 30_000 });
        var created = rows.Filter(new() { HasTextString = "CreateKey" }).Filter(new() { HasTextString = "/api/keys" });
        await Expect(created).ToHaveCountAsync(0);
        await Expect(rows.First.GetByTestId("audit-actor")).Not.ToBeEmptyAsync();
        await Artifacts.ScreenshotAsync(page, Test, 1, "newest");

        var older = page.GetByTestId("audit-older");
        await Expect(older).ToBeVisibleAsync();
        for (var pages = 1; await older.IsVisibleAsync(); pages++)
        {
            Assert.True(pages < 20, "the audit page kept offering older records");
            var before = await rows.CountAsync();
            await older.ClickAsync();
            await Expect(rows).Not.ToHaveCountAsync(before);
        }

        await Expect(created.First).ToBeVisibleAsync();
        await Expect(created.First).ToContainTextAsync("POST /api/keys");
        await Expect(created.First.GetByTestId("audit-actor")).ToContainTextAsync("admin");
        await Expect(created.First.GetByTestId("audit-outcome")).ToHaveTextAsync("ok");
        await created.First.ScrollIntoViewIfNeededAsync();
        await Artifacts.ScreenshotAsync(page, Test, 2, "older");

        Assert.Empty(Chromium.Errors(_console));
    }
}

/// <summary>
/// Embedded mode's one-time sign-in link, as its banner prints it: opened, it signs the browser in as the admin and
/// lands on the live page; opened again, it lands on the sign-in page, which says the link is used up.
/// </summary>
[Collection(EmbeddedNodeTests.Name)]
public sealed partial class The_sign_in_link(EmbeddedNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Signs_the_browser_in_as_the_admin_once()
    {
        var page = _page;
        var link = BannerLink().Match(fixture.Node.Output) is { Success: true } match
            ? match.Groups[1].Value
            : throw new Xunit.Sdk.XunitException("the banner printed no sign-in link:\n" + fixture.Node.Tail());

        await page.GotoAsync(link);
        await page.WaitForURLAsync(url => new Uri(url).Fragment == "#/live");
        await Expect(page.GetByTestId("whoami")).ToHaveAttributeAsync("data-role", "admin");
        await Expect(page.GetByTestId("nav-audit")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("sim-controls")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Artifacts.ScreenshotAsync(page, "sign-in-link", 1, "signed-in");

        // Another browser (a context without the cookie) cannot use it again.
        var other = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);
        try
        {
            await other.GotoAsync(link);
            await other.WaitForURLAsync(url => new Uri(url).Fragment.StartsWith("#/signin", StringComparison.Ordinal));
            await Expect(other.GetByTestId("signin-problem")).ToContainTextAsync("already used");
            await Expect(other.GetByTestId("whoami")).Not.ToHaveAttributeAsync("data-role", "admin");
            await Artifacts.ScreenshotAsync(other, "sign-in-link", 2, "used");
        }
        finally
        {
            await other.Context.CloseAsync();
        }

        Assert.Empty(Chromium.Errors(_console));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Sign in:\s+(http\S+)")]
    private static partial System.Text.RegularExpressions.Regex BannerLink();
}
