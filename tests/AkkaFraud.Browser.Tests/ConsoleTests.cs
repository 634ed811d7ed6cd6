using System.Text.Json;
using AkkaFraud.Browser.Tests.Support;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.TestSupport;
using Confluent.Kafka;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AkkaFraud.Browser.Tests;

/// <summary>
/// The cluster console of a node of its own (a leave ends it): its card shows what the management API says, the
/// event log is live, Leave is offered only to an operator (here the admin, signed in through the sign-in page), and it
/// goes through a confirmation that names the node, after which the node hands over and its process exits 0.
/// </summary>
public sealed class The_cluster_console(ITestOutputHelper output)
{
    private const string Test = "console";
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 60_000 };

    [BrowserFact]
    public async Task Shows_the_node_card_and_live_events_and_a_confirmed_leave_removes_the_node()
    {
        using var directory = new TempDirectory("akkafraud-browser-console-");
        var console = new List<string>();
        NodeProcess? node = null;
        IPlaywright? playwright = null;
        IBrowser? browser = null;
        try
        {
            node = await NodeProcess.StartAsync("console", directory.Path, TestPorts.Free());
            (playwright, browser) = await Chromium.LaunchAsync();
            var page = await Chromium.NewPageAsync(browser, node.BaseAddress, console);
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            var members = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/cluster/members", UriKind.Relative))).RootElement;
            var self = members.GetProperty("selfNode").GetString()!;
            var shortSelf = self.Replace("akka.tcp://", "", StringComparison.Ordinal);

            await Chromium.OpenAsync(page, "/#/cluster");
            var card = page.Locator($"[data-testid=node-card][data-node='{self}']");
            await Expect(card).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(card.GetByTestId("node-address")).ToHaveTextAsync(shortSelf);
            await Expect(card.GetByTestId("node-roles")).ToHaveTextAsync("scorer, web");
            await Expect(card.GetByTestId("node-leader")).ToBeVisibleAsync();
            // The embedded node owns every partition once its pipeline runs, and its shards host the simulator's accounts.
            await Expect(card.GetByTestId("node-partitions")).ToHaveTextAsync("0-11", Patiently);
            await Expect(card.GetByTestId("node-pipeline")).ToHaveTextAsync("running", Patiently);
            await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=node-entities]')?.textContent?.replace(/,/g, '')) > 0", null, new() { Timeout = 60_000 });
            await Expect(page.Locator($"[data-testid=event][data-type=MemberUp]")).ToContainTextAsync(shortSelf, new() { Timeout = 60_000 });
            await Expect(page.Locator("[data-testid=event][data-type=PartitionMoved]")).ToHaveCountAsync(12, new() { Timeout = 60_000 });
            await Artifacts.ScreenshotAsync(page, Test, 1, "node-card");

            // An anonymous visitor of an embedded node is a viewer: no Leave or Down, and a line saying who may.
            var clusterPage = page.GetByTestId("cluster-page");
            await Expect(clusterPage.GetByTestId("role-hint")).ToContainTextAsync("operator");
            await Expect(page.GetByTestId("node-leave")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("node-down")).ToHaveCountAsync(0);

            // Leave, signed in as the admin: the dialog names the node, and Cancel leaves it alone.
            await SignIn.AsAsync(page, NodeProcess.AdminToken, "#/cluster");
            await Expect(clusterPage.GetByTestId("role-hint")).ToHaveCountAsync(0);
            await card.GetByTestId("node-leave").ClickAsync();
            var dialog = page.GetByTestId("confirm-dialog");
            await Expect(dialog).ToBeVisibleAsync();
            await Expect(dialog.GetByTestId("confirm-title")).ToHaveTextAsync($"Leave {shortSelf}?");
            await Expect(dialog.GetByTestId("confirm-text")).ToContainTextAsync("process will exit");
            await dialog.GetByTestId("confirm-cancel").ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            Assert.False(node.HasExited, "the node left although the leave was cancelled");

            await card.GetByTestId("node-leave").ClickAsync();
            await Expect(dialog).ToBeVisibleAsync();
            await Artifacts.ScreenshotAsync(page, Test, 2, "confirm-leave");
            var response = await page.RunAndWaitForResponseAsync(
                () => dialog.GetByTestId("confirm-ok").ClickAsync(),
                r => r.Request.Method == "PUT" && r.Url.Contains("/api/cluster/members/", StringComparison.Ordinal),
                new() { Timeout = 60_000 });
            Assert.True(response.Ok, $"PUT {response.Url} answered {response.Status}: {await response.TextAsync()}");
            await Expect(page.GetByTestId("confirm-ok-message")).ToContainTextAsync(self);

            // The node hands over and exits by itself, cleanly; the page then says it cannot reach it.
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromMinutes(2)));
            await Expect(page.GetByTestId("cluster-error")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Artifacts.ScreenshotAsync(page, Test, 3, "after-leave");
            output.WriteLine(node.Tail(20));
        }
        finally
        {
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }

            playwright?.Dispose();
            if (node is not null)
            {
                await node.DisposeAsync();
            }

            foreach (var line in console)
            {
                output.WriteLine($"console: {line}");
            }
        }
    }
}

/// <summary>
/// The Dead letters page of the shared embedded node: a hostile record that is not a transaction appears in the list,
/// opens with its payload shown byte for byte as text, and nothing in it runs.
/// </summary>
[Collection(EmbeddedNodeTests.Name)]
public sealed class The_dead_letters_page(EmbeddedNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "dead-letters";
    private readonly List<string> _console = [];
    private IPage _page = null!;

    public async Task InitializeAsync() => _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Lists_a_hostile_dead_letter_and_shows_its_payload_as_text()
    {
        var page = _page;
        // As an operator, who is offered Replay: the letter does not parse, so it stays disabled.
        await SignIn.AsAsync(page, NodeProcess.AdminToken);
        var payload = $"<img src=x onerror=\"window.__pwned=1\"> not a transaction {Guid.NewGuid():N}";
        int partition;
        long offset;
        using (var producer = KafkaProducer.Create(new KafkaSettings { BootstrapServers = fixture.Node.KafkaBootstrapServers }))
        {
            var delivered = await producer.ProduceAsync("transactions", new Message<byte[]?, byte[]?> { Key = "hostile"u8.ToArray(), Value = System.Text.Encoding.UTF8.GetBytes(payload) });
            (partition, offset) = (delivered.Partition.Value, delivered.Offset.Value);
        }

        await Chromium.OpenAsync(page, $"/#/dead-letters?reason=malformed_json&partition={partition}");
        var row = page.Locator($"[data-testid=dlq-row][data-partition='{partition}'][data-offset='{offset}']");
        // The list loads once; the letter commits within a batch or two: apply the filter again until it is there.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await row.CountAsync() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"dead letter {partition}/{offset} not listed within 60 s");
            await page.GetByTestId("dlq-apply").ClickAsync();
            await Task.Delay(1000);
        }

        await Expect(row).ToBeVisibleAsync();
        await row.ClickAsync();
        var letter = page.GetByTestId("dlq-letter");
        await Expect(letter).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(letter.GetByTestId("dlq-payload")).ToHaveTextAsync(payload);
        await Expect(letter.GetByTestId("dlq-reason-detail")).ToContainTextAsync("malformed_json");
        await Expect(letter.GetByTestId("dlq-replay")).ToBeDisabledAsync();
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__pwned === 'undefined'"), "the hostile payload ran");
        await Artifacts.ScreenshotAsync(page, Test, 1, "letter");
    }
}
