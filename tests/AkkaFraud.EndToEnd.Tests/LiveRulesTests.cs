using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AkkaFraud.Domain;
using AkkaFraud.EndToEnd.Tests.Support;
using AkkaFraud.TestSupport;
using Xunit.Abstractions;

namespace AkkaFraud.EndToEnd.Tests;

/// <summary>
/// Live rules on a cluster of node processes (one web node, three scorers): a rule change made while records stream
/// reaches every node without a restart, each verdict names the version it was scored with, an account never goes
/// back to an older version, and the oracle replaying that same version schedule equals the warehouse, the dead
/// letters and both output topics. The rule book outlives a restart of the node that hosts it.
/// </summary>
[Collection(PublishedNodeTests.Name)]
public sealed class Live_rules_on_a_cluster(PublishedNode published, ITestOutputHelper output)
{
    private const int Records = 40_000;

    [Fact]
    public async Task A_rule_change_mid_stream_is_in_force_on_every_node_and_the_oracle_of_its_version_schedule_holds()
    {
        await using var cluster = await ProcessCluster.StartAsync(published, output, scorers: 3, Records, seed: 821);
        var production = await cluster.StreamUntilCommittedAsync(0.3, recordsPerSecond: 1_500);

        var v1 = RuleSet.FromJson(await cluster.Web.GetStringAsync("/api/rules"));
        Assert.Equal(1, v1.Version);
        // A lower limit flags ordinary payments too: verdicts after the change differ from the ones before.
        var edited = v1 with { Rules = [.. v1.Rules.Select(r => r is ThresholdRule { Id: "large-amount" } t ? t with { Limit = 3000 } : r)] };
        var committedBefore = (await cluster.Store.GetTotalsAsync()).Transactions;
        Assert.False(production.IsCompleted, "records must still be arriving when the rules change");
        Assert.True(committedBefore < cluster.Oracle.Transactions, $"work must be pending when the rules change: {committedBefore} of {cluster.Oracle.Transactions} committed");

        var clock = Stopwatch.StartNew();
        RuleSet v2;
        using (var response = await cluster.Web.SendAsync(HttpMethod.Put, "/api/rules?comment=lower%20limit", new StringContent(edited.ToJson(), Encoding.UTF8, "application/json")))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT /api/rules: {(int)response.StatusCode} {body}");
            v2 = RuleSet.FromJson(JsonDocument.Parse(body).RootElement.GetProperty("ruleSet").GetRawText());
        }

        var answered = clock.Elapsed;
        Assert.Equal(2, v2.Version);
        var inForce = new List<string>();
        foreach (var node in cluster.Scorers.Append(cluster.Web))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await node.CounterAsync("akkafraud_rules_version") != 2)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{node.Name} did not score with v2 within 60 s of the change:\n{cluster.Outputs()}");
                await Task.Delay(10);
            }

            inForce.Add(string.Create(CultureInfo.InvariantCulture, $"{node.Name} {clock.Elapsed.TotalMilliseconds:0} ms"));
        }

        // A report, not a timing assertion: how long a change takes to be in force everywhere (polled in turn, so an upper bound).
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rule change at {committedBefore} of {cluster.Oracle.Transactions} committed: answered after {answered.TotalMilliseconds:0} ms; in force on {string.Join(", ", inForce)}"));

        // The rule book's singleton runs on the oldest node, the web node: it hands the book over and comes back.
        await cluster.Web.SignalAsync("TERM");
        Assert.Equal(0, await cluster.Web.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        var web = cluster.Start("web");
        await web.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        var restartedDeadline = DateTime.UtcNow.AddSeconds(60);
        while (RuleSet.FromJson(await web.GetStringAsync("/api/rules")).Version != 2)
        {
            Assert.True(DateTime.UtcNow < restartedDeadline, "the restarted web node did not get v2 from the rule book within 60 s:\n" + web.Output);
            await Task.Delay(200);
        }

        var history = JsonDocument.Parse(await web.GetStringAsync("/api/rules/history")).RootElement;
        Assert.Equal([2, 1], history.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("version").GetInt32()));

        await production;
        await cluster.Oracle.WaitUntilStoredAsync(cluster.Store, TimeSpan.FromMinutes(4), cluster.Outputs);
        var schedule = await VersionScheduleAsync(cluster);
        var scoredWith = schedule.Values.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"verdicts by version: {string.Join(", ", scoredWith.OrderBy(p => p.Key).Select(p => $"v{p.Key} {p.Value}"))}");
        Assert.True(scoredWith.GetValueOrDefault(1) >= committedBefore, $"the {committedBefore} committed before the change must be v1 verdicts ({scoredWith.GetValueOrDefault(1)} are)");
        Assert.True(scoredWith.GetValueOrDefault(2) > 0, "no verdict was scored with v2");
        Assert.Equal([1, 2], scoredWith.Keys.Order());

        var rules = new Dictionary<int, RuleSet> { [1] = v1, [2] = v2 };
        await cluster.AssertEverythingMatchesTheOracleAsync(Oracle.For(cluster.Oracle.Records, t => rules[schedule[t.TransactionId]], HostileRecords.All));
    }

    /// <summary>
    /// The version each stored verdict names, per transaction id; fails if an account went back to an older version
    /// (in the order the account saw its transactions), which no node may do.
    /// </summary>
    private static async Task<Dictionary<string, int>> VersionScheduleAsync(ProcessCluster cluster)
    {
        var schedule = new Dictionary<string, int>(StringComparer.Ordinal);
        var backwards = new List<string>();
        foreach (var (account, expected) in cluster.Oracle.ByAccount)
        {
            var stored = (await cluster.Store.GetAccountHistoryAsync(account, int.MaxValue)).ToDictionary(t => t.Transaction.TransactionId, t => t.Verdict.RuleSetVersion, StringComparer.Ordinal);
            var newest = 0;
            foreach (var (transaction, _) in expected)
            {
                var version = stored[transaction.TransactionId];
                if (version < newest)
                {
                    backwards.Add($"{account}: {transaction.TransactionId} scored with v{version} after v{newest}");
                }

                newest = Math.Max(newest, version);
                schedule[transaction.TransactionId] = version;
            }
        }

        Assert.True(backwards.Count == 0, $"{backwards.Count} verdicts went back to an older version, e.g.:\n{string.Join('\n', backwards.Take(10))}");
        return schedule;
    }
}
