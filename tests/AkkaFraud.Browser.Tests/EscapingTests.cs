using System.Globalization;
using System.Text;
using AkkaFraud.Browser.Tests.Support;
using AkkaFraud.Domain;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AkkaFraud.Browser.Tests;

/// <summary>
/// Hostile merchant names, produced to the node's own Kafka as any producer would and flagged by the real pipeline,
/// show as literal text on every page that displays them; none of them runs.
/// </summary>
[Collection(EmbeddedNodeTests.Name)]
public sealed class Merchant_names_from_transactions(EmbeddedNode fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Test = "escaping";

    private static readonly string[] HostileNames =
    [
        "<img src=x onerror=alert(1)>",
        "<script>window.__pwned=1</script>",
        "<svg onload=\"window.__pwned=1\"><b>bold</b>",
    ];

    private readonly List<string> _console = [];
    private readonly List<string> _dialogs = [];
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _page = await Chromium.NewPageAsync(fixture.Browser, fixture.Node.BaseAddress, _console);
        _page.Dialog += async (_, dialog) =>
        {
            lock (_dialogs)
            {
                _dialogs.Add($"{dialog.Type}: {dialog.Message}");
            }

            await dialog.DismissAsync();
        };
    }

    public Task DisposeAsync() => Chromium.ClosePageAsync(_page, _console, output);

    [BrowserFact]
    public async Task Show_as_text_in_the_feed_the_alerts_and_the_transaction_page_and_never_run()
    {
        var page = _page;
        await Chromium.OpenAsync(page, "/#/live");
        await Expect(page.GetByTestId("connection-state")).ToHaveTextAsync("connected", new() { Timeout = 60_000 });

        // Large amounts (over the 9,000 threshold) on an account of our own, so each is flagged and alerted.
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var account = $"XSS-{suffix}";
        var transactions = HostileNames.Select((name, i) => Hostile($"xss-{suffix}-{i}", account, name)).ToList();
        await ProduceAsync(fixture.Node.KafkaBootstrapServers, transactions);

        // 1. The live feed.
        foreach (var transaction in transactions)
        {
            var row = page.Locator($"[data-testid=alert-row][data-transaction-id='{transaction.TransactionId}']");
            await Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(row.GetByTestId("alert-merchant")).ToHaveTextAsync(transaction.MerchantName!);
        }

        await AssertNothingRanAsync(page, "the live feed");
        await Artifacts.ScreenshotAsync(page, Test, 1, "live-feed");

        // 2. The alert history, filtered to the account.
        await Chromium.OpenAsync(page, $"/#/alerts?account={account}");
        await Expect(page.GetByTestId("alerts-page")).ToBeVisibleAsync();
        foreach (var transaction in transactions)
        {
            var row = page.Locator($"[data-testid=alerts-row][data-transaction-id='{transaction.TransactionId}']");
            await Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(row.GetByTestId("alerts-merchant")).ToHaveTextAsync(transaction.MerchantName!);
        }

        await AssertNothingRanAsync(page, "the alerts page");
        await Artifacts.ScreenshotAsync(page, Test, 2, "alerts-page");

        // 3. Each transaction's page.
        foreach (var (transaction, i) in transactions.Select((t, i) => (t, i)))
        {
            await Chromium.OpenAsync(page, $"/#/transactions/{transaction.TransactionId}");
            var detail = page.Locator($"[data-testid=transaction-detail][data-transaction-id='{transaction.TransactionId}']");
            await Expect(detail).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(detail.Locator("dd[data-field=merchantName]")).ToHaveTextAsync(transaction.MerchantName!);
            await AssertNothingRanAsync(page, $"the page of {transaction.TransactionId}");
            await Artifacts.ScreenshotAsync(page, Test, 3 + i, $"transaction-{i}");
        }

        // 4. The account's page lists them too.
        await Chromium.OpenAsync(page, $"/#/accounts/{account}");
        var history = page.GetByTestId("account-history-row");
        await Expect(history).ToHaveCountAsync(transactions.Count, new() { Timeout = 60_000 });
        foreach (var transaction in transactions)
        {
            await Expect(page.GetByTestId("account-history")).ToContainTextAsync(transaction.MerchantName!);
        }

        await AssertNothingRanAsync(page, "the account page");
        await Artifacts.ScreenshotAsync(page, Test, 3 + transactions.Count, "account-page");
    }

    private static Transaction Hostile(string transactionId, string accountId, string merchantName) => new()
    {
        TransactionId = transactionId,
        AccountId = accountId,
        EventTime = DateTimeOffset.UtcNow,
        Amount = 9_500.00m,
        Currency = "EUR",
        Type = TransactionType.Purchase,
        Channel = Channel.Ecom,
        MerchantId = "m-hostile",
        MerchantName = merchantName,
        MerchantCategory = "5732",
        Country = "DE",
    };

    /// <summary>Produces the transactions to the node's transactions topic (key = account id, JSON value), as any producer does, and waits for the broker's acks.</summary>
    private async Task ProduceAsync(string bootstrapServers, IEnumerable<Transaction> transactions)
    {
        var kafka = new KafkaSettings { BootstrapServers = bootstrapServers };
        using var producer = KafkaProducer.Create(kafka);
        foreach (var transaction in transactions)
        {
            var delivered = await producer.ProduceAsync(kafka.TransactionsTopic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(transaction.AccountId),
                Value = TransactionJson.Serialize(transaction),
                Timestamp = new Timestamp(transaction.EventTime),
            });
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"produced {transaction.TransactionId} to {delivered.TopicPartitionOffset} via {bootstrapServers}: {Encoding.UTF8.GetString(TransactionJson.Serialize(transaction))}"));
        }
    }

    private async Task AssertNothingRanAsync(IPage page, string where)
    {
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=alert-merchant] *, [data-testid=alerts-merchant] *, dd[data-field=merchantName] *").CountAsync());
        Assert.Equal(0, await page.Locator("svg[onload], script:not([src])").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__pwned === 'undefined'"), $"a hostile script ran on {where} (window.__pwned is set)");
        lock (_dialogs)
        {
            Assert.True(_dialogs.Count == 0, $"a dialog opened on {where}: {string.Join("; ", _dialogs)}");
        }
    }
}
