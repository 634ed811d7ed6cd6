using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AkkaFraud.Domain;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// <c>POST /api/backtests</c> over what a node stored: the rule set in force, replayed over the whole stream, flags
/// what the node flagged and gives each rule the reasons the node stored; a range that starts mid-stream, warmed up
/// over the history before it, counts only its own transactions and says the same; against another rule set it
/// names transactions the node did and did not flag; a mistake is a 400 that says what to fix.
/// </summary>
public sealed class Backtest_api : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("akkafraud-backtest-api-").FullName;
    private TestNode _node = null!;
    private readonly List<ScoredTransaction> _stored = [];
    private DateTimeOffset _first, _last;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("Simulator:Enabled=false");
        // Event times two days back, so the node judges none of them "far future"; the stream spans about 150 s.
        var simulator = new TrafficSimulator(new SimulatorOptions
        {
            Seed = 33, Accounts = 500, Start = DateTimeOffset.UtcNow.AddDays(-2), EventsPerSecond = 20, FraudShare = 0.05, InvalidShare = 0,
        });
        var transactions = simulator.Transactions().Take(3000).Select(t => t.Transaction).ToList();
        var file = Path.Combine(_folder, "traffic.jsonl");
        File.WriteAllLines(file, transactions.Select(t => System.Text.Encoding.UTF8.GetString(TransactionJson.Serialize(t))));
        var kafka = _node.Node.Settings.Kafka;
        var produce = await CliProcess.RunAsync("simulate", "--bootstrap", kafka.BootstrapServers, "--topic", kafka.TransactionsTopic, "--file", file, "--rate", "5000");
        Assert.True(produce.ExitCode == 0, produce.ToString());
        await Eventually.TrueAsync(async () => (await _node.Store.GetTotalsAsync()).Transactions == transactions.Count,
            TimeSpan.FromMinutes(2), $"all {transactions.Count} transactions stored");
        foreach (var transaction in transactions)
        {
            _stored.Add(await _node.Store.GetTransactionAsync(transaction.TransactionId) ?? throw new InvalidOperationException($"{transaction.TransactionId} is not stored"));
        }

        (_first, _last) = (transactions.Min(t => t.EventTime), transactions.Max(t => t.EventTime));
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<JsonElement> BacktestAsync(object body)
    {
        using var response = await _node.Admin.PostAsJsonAsync(new Uri("/api/backtests", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static JsonElement RuleSetJson(RuleSet ruleSet) => JsonDocument.Parse(ruleSet.ToJson()).RootElement;

    /// <summary>Per rule id, how many of <paramref name="rows"/> the node stored a reason of it for.</summary>
    private static Dictionary<string, long> StoredReasons(IEnumerable<ScoredTransaction> rows) =>
        rows.SelectMany(r => r.Verdict.Reasons).GroupBy(r => r.RuleId).ToDictionary(g => g.Key, g => g.LongCount());

    private static void AssertRulesFired(Dictionary<string, long> expected, JsonElement result)
    {
        var fired = result.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("ruleId").GetString()!, r => r.GetProperty("fired").GetInt64());
        foreach (var (rule, count) in expected)
        {
            Assert.True(fired.GetValueOrDefault(rule) == count, $"rule {rule}: the node stored {count} reasons, the backtest gave {fired.GetValueOrDefault(rule)}");
        }

        Assert.Equal(expected.Values.Sum(), fired.Values.Sum());
    }

    [Fact]
    public async Task The_rules_in_force_replayed_over_the_whole_stream_flag_what_the_node_flagged_rule_by_rule()
    {
        var rules = await _node.GetJsonAsync("/api/rules", _node.Admin);
        Assert.Equal(RuleSet.Default, RuleSet.FromJson(rules.GetRawText()));

        var result = await BacktestAsync(new { rules, from = _first.AddHours(-1), to = _last.AddHours(1) });

        var flagged = _stored.Count(r => r.Verdict.Flagged);
        Assert.InRange(flagged, 10, _stored.Count / 2);
        Assert.Equal(_stored.Count, result.GetProperty("transactions").GetInt64());
        Assert.Equal(0, result.GetProperty("warmUpTransactions").GetInt64());
        Assert.Equal(flagged, result.GetProperty("flagged").GetInt64());
        Assert.Equal(flagged, result.GetProperty("recordedFlagged").GetInt64());
        Assert.Equal(flagged, result.GetProperty("againstFlagged").GetInt64());
        Assert.Equal(RuleSet.Default.Version, result.GetProperty("againstVersion").GetInt32());
        Assert.Equal(0, result.GetProperty("newlyFlagged").GetInt64());
        Assert.Equal(0, result.GetProperty("noLongerFlagged").GetInt64());
        Assert.Equal(_stored.Select(r => r.Transaction.AccountId).Distinct().Count(), result.GetProperty("accounts").GetInt32());
        AssertRulesFired(StoredReasons(_stored), result);
    }

    [Fact]
    public async Task A_range_that_starts_mid_stream_counts_its_own_transactions_on_state_warmed_up_over_the_history_before_it()
    {
        var from = _stored.Select(r => r.Transaction.EventTime).Order().ElementAt(_stored.Count / 2);
        var inRange = _stored.Where(r => r.Transaction.EventTime >= from).ToList();

        // Velocity, first-seen and the profile need the accounts' history: ten minutes back covers all of it here.
        var result = await BacktestAsync(new { rules = RuleSetJson(RuleSet.Default), from, to = _last.AddHours(1), warmUpMinutes = 10 });

        Assert.Equal(inRange.Count, result.GetProperty("transactions").GetInt64());
        Assert.Equal(_stored.Count - inRange.Count, result.GetProperty("warmUpTransactions").GetInt64());
        Assert.Equal(from.AddMinutes(-10), result.GetProperty("warmUpFrom").GetDateTimeOffset());
        Assert.Equal(inRange.Count(r => r.Verdict.Flagged), result.GetProperty("flagged").GetInt64());
        Assert.Equal(inRange.Count(r => r.Verdict.Flagged), result.GetProperty("recordedFlagged").GetInt64());
        AssertRulesFired(StoredReasons(inRange), result);
    }

    [Fact]
    public async Task Against_the_rules_in_force_another_set_names_transactions_the_node_did_and_did_not_flag()
    {
        var result = await BacktestAsync(new { rules = RuleSetJson(RuleSet.Seed), from = _first, to = _last.AddHours(1) });

        var byId = _stored.ToDictionary(r => r.Transaction.TransactionId);
        var noLonger = result.GetProperty("noLongerFlaggedExamples").EnumerateArray().Select(e => byId[e.GetString()!]).ToList();
        var newly = result.GetProperty("newlyFlaggedExamples").EnumerateArray().Select(e => byId[e.GetString()!]).ToList();
        Assert.NotEmpty(noLonger);
        Assert.All(noLonger, r => Assert.True(r.Verdict.Flagged, $"{r.Transaction.TransactionId} is no longer flagged, but the node did not flag it"));
        Assert.All(newly, r => Assert.False(r.Verdict.Flagged, $"{r.Transaction.TransactionId} is newly flagged, but the node flagged it"));
        Assert.Equal(_stored.Count(r => r.Verdict.Flagged), result.GetProperty("againstFlagged").GetInt64());
        Assert.True(result.GetProperty("noLongerFlagged").GetInt64() > result.GetProperty("newlyFlagged").GetInt64(), "the seed's one rule should flag far less than the rules in force");
        Assert.Equal(RuleSet.Seed.Version, result.GetProperty("ruleSetVersion").GetInt32());
    }

    [Theory]
    [InlineData("""{"from": "2026-12-01T09:00:00Z", "to": "2026-12-01T08:00:00Z", "rules": {"version": 2, "rules": []}}""", "'from' and 'to' must be times with from before to")]
    [InlineData("""{"from": "2026-12-01T08:00:00Z", "to": "2026-12-01T09:00:00Z"}""", "'rules' is missing")]
    [InlineData("""{"from": "2026-12-01T08:00:00Z", "to": "2026-12-01T09:00:00Z", "rules": {"version": 2, "rules": [{"type": "threshold", "id": "big", "weight": 50, "limit": -5}]}}""", "'rules': rule set is invalid")]
    [InlineData("""{"from": "2026-12-01T08:00:00Z", "to": "2026-12-01T09:00:00Z", "rules": {"version": 2, "rules": []}, "warmUpMinutes": 20000}""", "'warmUpMinutes' must be 0 to 10080")]
    [InlineData("""{"from": "yesterday"}""", "not valid JSON of the expected shape")]
    public async Task A_mistake_is_a_400_that_says_what_to_fix(string body, string message)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _node.Admin.PostAsync(new Uri("/api/backtests", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains(message, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
