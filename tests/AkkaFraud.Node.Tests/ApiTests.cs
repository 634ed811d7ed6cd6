using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AkkaFraud.Node.Dashboard;
using AkkaFraud.Node.Tests.Support;

namespace AkkaFraud.Node.Tests;

[Collection(SharedNodeTests.Name)]
public sealed class Alerts_api(SharedNode shared)
{
    private TestNode Node => shared.Node;

    /// <summary>Injects large amounts until at least <paramref name="count"/> alerts are stored; returns the alert page.</summary>
    private async Task<JsonElement[]> AtLeastAlertsAsync(int count)
    {
        JsonElement[] items = [];
        await Eventually.TrueAsync(async () =>
        {
            items = [.. (await Node.GetJsonAsync("/api/alerts?limit=1000")).GetProperty("items").EnumerateArray()];
            if (items.Length < count)
            {
                await Node.InjectAsync("large-amount");
            }

            return items.Length >= count;
        }, TimeSpan.FromMinutes(2), $"{count} stored alerts");
        return items;
    }

    [Fact]
    public async Task Pages_follow_each_other_newest_first_without_overlap()
    {
        var all = await AtLeastAlertsAsync(5);
        var first = await Node.GetJsonAsync("/api/alerts?limit=2");
        var next = first.GetProperty("next").GetString();
        Assert.NotNull(next);
        var second = await Node.GetJsonAsync($"/api/alerts?limit=2&after={Uri.EscapeDataString(next)}");

        var firstIds = first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("transactionId").GetString()).ToList();
        var secondItems = second.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, firstIds.Count);
        Assert.Equal(2, secondItems.Count);
        Assert.Empty(firstIds.Intersect(secondItems.Select(i => i.GetProperty("transactionId").GetString())));
        var lastOfFirst = first.GetProperty("items")[1].GetProperty("eventTime").GetDateTimeOffset();
        Assert.All(secondItems, i => Assert.True(i.GetProperty("eventTime").GetDateTimeOffset() <= lastOfFirst));
        Assert.All(all, i => Assert.True(i.GetProperty("isFlagged").GetBoolean()));
    }

    [Fact]
    public async Task Filters_by_decision_rule_account_and_time()
    {
        var all = await AtLeastAlertsAsync(3);
        var sample = all[0];
        var account = sample.GetProperty("accountId").GetString()!;
        var rule = sample.GetProperty("reasons")[0].GetProperty("ruleId").GetString()!;
        var decision = sample.GetProperty("decision").GetString()!;

        var byAccount = (await Node.GetJsonAsync($"/api/alerts?account={account}")).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(byAccount);
        Assert.All(byAccount, i => Assert.Equal(account, i.GetProperty("accountId").GetString()));

        var byRule = (await Node.GetJsonAsync($"/api/alerts?rule={rule}&limit=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(byRule);
        Assert.All(byRule, i => Assert.Contains(i.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == rule));

        var byDecision = (await Node.GetJsonAsync($"/api/alerts?decision={decision}&limit=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(byDecision);
        Assert.All(byDecision, i => Assert.Equal(decision, i.GetProperty("decision").GetString()));

        var at = sample.GetProperty("eventTime").GetDateTimeOffset();
        var window = (await Node.GetJsonAsync($"/api/alerts?from={Uri.EscapeDataString(at.ToString("O"))}&to={Uri.EscapeDataString(at.AddMilliseconds(1).ToString("O"))}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(window, i => i.GetProperty("transactionId").GetString() == sample.GetProperty("transactionId").GetString());
        Assert.All(window, i => Assert.InRange(i.GetProperty("eventTime").GetDateTimeOffset(), at, at.AddMilliseconds(1)));
    }

    [Fact]
    public async Task A_transaction_is_found_by_id_with_its_verdict_and_reasons()
    {
        var alert = (await AtLeastAlertsAsync(1))[0];
        var id = alert.GetProperty("transactionId").GetString()!;

        var transaction = await Node.GetJsonAsync($"/api/transactions/{Uri.EscapeDataString(id)}");

        Assert.Equal(id, transaction.GetProperty("transactionId").GetString());
        Assert.Equal(alert.GetProperty("score").GetInt32(), transaction.GetProperty("score").GetInt32());
        Assert.True(transaction.GetProperty("isFlagged").GetBoolean());
        var reason = transaction.GetProperty("reasons")[0];
        foreach (var field in new[] { "ruleId", "kind", "observed", "limit", "weight", "message" })
        {
            Assert.True(reason.TryGetProperty(field, out _), $"reason lacks {field}");
        }

        Assert.Contains(transaction.GetProperty("decision").GetString(), new[] { "review", "block" });
        Assert.True(transaction.TryGetProperty("merchantName", out _));
    }

    [Fact]
    public async Task An_unknown_transaction_is_a_404_that_says_so()
    {
        using var response = await Node.Http.GetAsync(new Uri("/api/transactions/tx-does-not-exist", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("tx-does-not-exist", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_shows_its_history_newest_first_and_the_actors_summary()
    {
        var alert = (await AtLeastAlertsAsync(1))[0];
        var account = alert.GetProperty("accountId").GetString()!;

        var json = await Node.GetJsonAsync($"/api/accounts/{account}?limit=20");

        Assert.Equal(account, json.GetProperty("accountId").GetString());
        var history = json.GetProperty("history").EnumerateArray().ToList();
        Assert.Contains(history, t => t.GetProperty("transactionId").GetString() == alert.GetProperty("transactionId").GetString());
        Assert.All(history, t => Assert.Equal(account, t.GetProperty("accountId").GetString()));
        var times = history.Select(t => t.GetProperty("eventTime").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        var summary = json.GetProperty("summary");
        Assert.Equal(JsonValueKind.Object, summary.ValueKind);
        Assert.True(summary.GetProperty("transactionCount").GetInt64() >= 1);
    }
}

[Collection(SharedNodeTests.Name)]
public sealed class Statistics_api(SharedNode shared)
{
    private TestNode Node => shared.Node;

    [Fact]
    public async Task Totals_and_per_minute_rollups_count_the_committed_traffic()
    {
        await Eventually.TrueAsync(async () => (await Node.GetJsonAsync("/api/totals")).GetProperty("transactions").GetInt64() > 100,
            TimeSpan.FromMinutes(2), "100 committed transactions");
        var totals = await Node.GetJsonAsync("/api/totals");
        var rollups = (await Node.GetJsonAsync("/api/rollups")).EnumerateArray().ToList();

        Assert.NotEmpty(rollups);
        var minutes = rollups.Select(r => r.GetProperty("minute").GetDateTimeOffset()).ToList();
        Assert.Equal(minutes.Order(), minutes);
        Assert.All(minutes, m => Assert.Equal(0, m.Second));
        Assert.True(rollups.Sum(r => r.GetProperty("transactions").GetInt64()) > 0);
        foreach (var field in new[] { "transactions", "flagged", "blocked", "amount", "flaggedAmount", "deadLetters" })
        {
            Assert.True(totals.TryGetProperty(field, out _), $"totals lack {field}");
        }

        Assert.True(totals.GetProperty("flagged").GetInt64() <= totals.GetProperty("transactions").GetInt64());
    }

    [Fact]
    public async Task A_rollup_range_in_the_past_is_empty_and_a_reversed_one_is_refused()
    {
        Assert.Empty((await Node.GetJsonAsync("/api/rollups?from=2001-01-01T00:00:00Z&to=2001-01-01T01:00:00Z")).EnumerateArray());
        using var response = await Node.Http.GetAsync(new Uri("/api/rollups?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

[Collection(SharedNodeTests.Name)]
public sealed class Bad_requests(SharedNode shared)
{
    private TestNode Node => shared.Node;

    [Theory]
    [InlineData("/api/alerts?limit=0", "limit")]
    [InlineData("/api/alerts?limit=abc", "limit")]
    [InlineData("/api/alerts?from=yesterday", "from")]
    [InlineData("/api/alerts?decision=approve", "decision")]
    [InlineData("/api/alerts?after=not-a-cursor", "after")]
    [InlineData("/api/alerts?account=%3Cscript%3E", "account")]
    [InlineData("/api/accounts/bad%20id", "id")]
    [InlineData("/api/accounts/AB12?limit=-1", "limit")]
    [InlineData("/api/rollups?to=soon", "to")]
    public async Task A_bad_query_is_a_400_naming_the_parameter(string path, string parameter)
    {
        using var response = await Node.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Contains($"'{parameter}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"transactionsPerSecond": -5}""", "transactionsPerSecond")]
    [InlineData("""{"transactionsPerSecond": "fast"}""", "JSON")]
    [InlineData("""not json""", "JSON")]
    public async Task A_bad_rate_is_a_400_that_shows_a_valid_body(string body, string mentioned)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Node.Admin.PutAsync(new Uri("/api/simulator/rate", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
        Assert.Contains("{\"transactionsPerSecond\": ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_scenario_is_a_400_listing_the_known_ones()
    {
        using var response = await Node.Admin.PostAsJsonAsync(new Uri("/api/simulator/inject", UriKind.Relative), new { scenario = "bank-robbery" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Contains("large-amount", error, StringComparison.Ordinal);
        Assert.Contains("account-takeover", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Injecting_into_an_account_the_simulator_does_not_have_is_a_400()
    {
        using var response = await Node.Admin.PostAsJsonAsync(new Uri("/api/simulator/inject", UriKind.Relative), new { scenario = "large-amount", accountId = "NOT-OURS-1" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("NOT-OURS-1", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_api_path_is_a_404_pointing_at_the_openapi_document()
    {
        using var response = await Node.Http.GetAsync(new Uri("/api/nothing/here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/openapi/v1.json", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}

[Collection(SharedNodeTests.Name)]
public sealed class Admin_token(SharedNode shared)
{
    private TestNode Node => shared.Node;

    [Fact]
    public async Task Mutating_endpoints_answer_401_without_the_token_and_with_a_wrong_one()
    {
        using var without = await Node.Http.PutAsJsonAsync(new Uri("/api/simulator/rate", UriKind.Relative), new { transactionsPerSecond = 1 });
        using var wrong = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/simulator/inject", UriKind.Relative))
        {
            Content = JsonContent.Create(new { scenario = "large-amount" }),
        };
        wrong.Headers.Authorization = new("Bearer", TestNode.AdminToken + "x");
        using var wrongResponse = await Node.Http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Contains("Authorization: Bearer", (await without.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("neither the admin token", (await wrongResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        // Nothing changed.
        Assert.Equal(150, (await Node.GetJsonAsync("/api/simulator")).GetProperty("transactionsPerSecond").GetDouble());
    }

    [Fact]
    public async Task With_the_token_the_rate_changes_and_reads_back()
    {
        try
        {
            using var response = await Node.Admin.PutAsJsonAsync(new Uri("/api/simulator/rate", UriKind.Relative), new { transactionsPerSecond = 120 });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var status = await Node.GetJsonAsync("/api/simulator");
            Assert.Equal(120, status.GetProperty("transactionsPerSecond").GetDouble());
            Assert.True(status.GetProperty("running").GetBoolean());
            Assert.True(status.GetProperty("produced").GetInt64() > 0);
        }
        finally
        {
            using var restore = await Node.Admin.PutAsJsonAsync(new Uri("/api/simulator/rate", UriKind.Relative), new { transactionsPerSecond = 150 });
        }
    }
}

[Collection(SharedNodeTests.Name)]
public sealed class Operations_endpoints(SharedNode shared)
{
    private TestNode Node => shared.Node;

    [Fact]
    public async Task Ready_reports_every_check_healthy_and_alive_answers()
    {
        var ready = await Node.GetJsonAsync("/ready");
        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        var checks = ready.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(["actor-system", "cluster-member", "pipeline", "warehouse"], checks.Keys.Order());
        Assert.All(checks.Values, s => Assert.Equal("healthy", s));
        Assert.Equal("healthy", (await Node.GetJsonAsync("/alive")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_expose_the_pipeline_counters_in_prometheus_text()
    {
        await Eventually.TrueAsync(async () => (await Node.GetJsonAsync("/api/totals")).GetProperty("transactions").GetInt64() > 0,
            TimeSpan.FromMinutes(2), "a committed transaction");
        string text = string.Empty;
        await Eventually.TrueAsync(async () =>
        {
            text = await Node.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            return text.Contains("akkafraud_transactions_scored", StringComparison.Ordinal);
        }, TimeSpan.FromMinutes(1), "the scored counter on /metrics");

        Assert.Contains("akkafraud_records_consumed", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE akkafraud_transactions_scored", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint_of_the_contract()
    {
        var document = await Node.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();

        Assert.Superset(new HashSet<string>
        {
            "/api/alerts", "/api/transactions/{id}", "/api/accounts/{id}", "/api/totals", "/api/rollups",
            "/api/simulator", "/api/simulator/rate", "/api/simulator/inject", "/api/cluster/members", "/api/cluster/members/{address}",
            "/api/cluster/shards/{region}", "/api/cluster/nodes", "/api/cluster/partitions",
        }, paths);
        Assert.True(document.GetProperty("paths").GetProperty("/api/simulator/rate").TryGetProperty("put", out _));
    }

    [Fact]
    public async Task The_root_serves_the_dashboard_or_says_how_to_build_it()
    {
        using var response = await Node.Http.GetAsync(new Uri("/", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (DashboardHosting.FindRoot() is null)
        {
            Assert.Contains("npm ci && npm run build", body, StringComparison.Ordinal);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("<html", body, StringComparison.OrdinalIgnoreCase);
        }
    }
}
