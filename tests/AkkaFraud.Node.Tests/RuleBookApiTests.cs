using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaFraud.Domain;
using AkkaFraud.Node.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// Live rules through the API of an embedded node: a change is in force for the next transaction without a restart
/// and the verdict names the version it was scored with; every change is recorded with who, when and why; a stale
/// or invalid change is refused and nothing of it applied; a rollback is one call; and the rule book outlives its node
/// (recovered from its journal, and from a snapshot with the journal before it gone).
/// </summary>
public sealed class The_rule_book : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("akkafraud-rulebook-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Changes_rules_while_the_node_runs_records_who_and_why_refuses_stale_and_invalid_changes_and_rolls_back()
    {
        await using (var node = await TestNode.StartInAsync(_directory, "Simulator:TransactionsPerSecond=20"))
        {
            var history = await HistoryAsync(node);
            Assert.Equal(1, history.GetProperty("version").GetInt32());
            var first = history.GetProperty("entries")[0];
            Assert.Equal(("activated", "akkafraud"), (first.GetProperty("change").GetString(), first.GetProperty("who").GetString()));
            var admin = (await node.GetJsonAsync("/api/me", node.Admin)).GetProperty("name").GetString();

            // GET, edit, PUT back: the document's own version is the optimistic check.
            var rules = JsonNode.Parse((await node.GetJsonAsync("/api/rules")).GetRawText())!;
            Assert.Equal(1, rules["version"]!.GetValue<int>());
            rules["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "large-amount")!["limit"] = 500;
            var v2 = await ChangedAsync(await node.Admin.PutAsync(new Uri("/api/rules?comment=lower%20the%20limit", UriKind.Relative), Json(rules)));
            Assert.Equal((2, "rule-changed", "large-amount", admin, "lower the limit"),
                (v2.GetProperty("version").GetInt32(), v2.GetProperty("change").GetString(), v2.GetProperty("ruleId").GetString(), v2.GetProperty("who").GetString(), v2.GetProperty("comment").GetString()));
            await InForceAsync(node, 2);
            var scoredWithV2 = await ScoredAsync(node);
            Assert.Equal(2, scoredWithV2.GetProperty("ruleSetVersion").GetInt32());
            Assert.Contains(scoredWithV2.GetProperty("reasons").EnumerateArray(),
                r => r.GetProperty("ruleId").GetString() == "large-amount" && r.GetProperty("message").GetString()!.EndsWith("> limit 500", StringComparison.Ordinal) || r.GetProperty("message").GetString()!.EndsWith("> limit 500 EUR", StringComparison.Ordinal));

            var v3 = await ChangedAsync(await node.Admin.PatchAsJsonAsync(new Uri("/api/rules/large-amount", UriKind.Relative), new { version = 2, enabled = false, comment = "noisy" }));
            Assert.Equal((3, "rule-disabled"), (v3.GetProperty("version").GetInt32(), v3.GetProperty("change").GetString()));
            await InForceAsync(node, 3);
            var scoredWithV3 = await ScoredAsync(node);
            Assert.Equal(3, scoredWithV3.GetProperty("ruleSetVersion").GetInt32());
            Assert.DoesNotContain(scoredWithV3.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "large-amount");

            // A change made to v1 after v3: refused, and it says who changed the book since.
            using (var stale = await node.Admin.PutAsync(new Uri("/api/rules", UriKind.Relative), Json(rules)))
            {
                Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
                Assert.Contains($"v3 is in force (changed by {admin}", await ErrorAsync(stale), StringComparison.Ordinal);
            }

            // A rule the whole set cannot take: refused with the reason, nothing applied.
            var invalid = new { version = 3, rule = new { type = "velocity", id = "velocity-burst", weight = 60, windowSeconds = 0, maxCount = 5 } };
            using (var refused = await node.Admin.PatchAsJsonAsync(new Uri("/api/rules/velocity-burst", UriKind.Relative), invalid))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Contains("windowSeconds", await ErrorAsync(refused), StringComparison.Ordinal);
            }

            Assert.Equal(3, (await HistoryAsync(node)).GetProperty("version").GetInt32());
            Assert.Equal(3, (await node.GetJsonAsync("/api/rules")).GetProperty("version").GetInt32());

            var diff = await node.GetJsonAsync("/api/rules/diff?from=1&to=2");
            var changed = Assert.Single(diff.GetProperty("rules").EnumerateArray());
            Assert.Equal(("large-amount", "changed", 9000m, 500m),
                (changed.GetProperty("ruleId").GetString(), changed.GetProperty("change").GetString(), changed.GetProperty("before").GetProperty("limit").GetDecimal(), changed.GetProperty("after").GetProperty("limit").GetDecimal()));

            using (var viewer = await node.Http.PostAsJsonAsync(new Uri("/api/rules/rollback", UriKind.Relative), new { version = 3, to = 1 }))
            {
                Assert.True(viewer.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"a viewer rolled back: {(int)viewer.StatusCode}");
            }

            var v4 = await ChangedAsync(await node.Admin.PostAsJsonAsync(new Uri("/api/rules/rollback", UriKind.Relative), new { version = 3, to = 1, comment = "back to the shipped rules" }));
            Assert.Equal((4, "rolled-back", 1), (v4.GetProperty("version").GetInt32(), v4.GetProperty("change").GetString(), v4.GetProperty("rolledBackTo").GetInt32()));
            var inForce = await InForceAsync(node, 4);
            Assert.Equal((RuleSet.Default with { Version = 4 }).ToJson(), RuleSet.FromJson(inForce.GetRawText()).ToJson());

            history = await HistoryAsync(node);
            Assert.Equal([4, 3, 2, 1], history.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("version").GetInt32()));
            Assert.Equal(["back to the shipped rules", "noisy", "lower the limit", "the shipped rule set"],
                history.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("comment").GetString()));

            // Snoozed for one account: its large amounts give no large-amount reason, everyone else's still do.
            var account = scoredWithV2.GetProperty("accountId").GetString()!;
            var v5 = await ChangedAsync(await node.Admin.PostAsJsonAsync(new Uri("/api/rules/large-amount/snooze", UriKind.Relative),
                new { version = 4, accountId = account, until = DateTimeOffset.UtcNow.AddDays(1), comment = "known big spender" }));
            Assert.Equal((5, "rule-snoozed", account), (v5.GetProperty("version").GetInt32(), v5.GetProperty("change").GetString(), v5.GetProperty("accountId").GetString()));
            await InForceAsync(node, 5);
            var snoozed = await ScoredAsync(node, account, over: 9000);
            Assert.Equal(5, snoozed.GetProperty("ruleSetVersion").GetInt32());
            Assert.DoesNotContain(snoozed.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "large-amount");
            await node.InjectFlaggedLargeAmountAsync();
        }

        // A new node on the same data: the book is recovered from its journal, and its version is in force at once.
        await using (var restarted = await TestNode.StartInAsync(_directory, "Simulator:Enabled=false"))
        {
            await InForceAsync(restarted, 5);
            Assert.Equal(5, (await HistoryAsync(restarted)).GetProperty("entries").GetArrayLength());
        }
    }

    [Fact]
    public async Task Is_recovered_from_its_snapshot_when_the_journal_before_it_is_gone_and_keeps_its_proposals()
    {
        await using (var node = await TestNode.StartInAsync(_directory, "Simulator:Enabled=false", "Rules:SnapshotEvery=2"))
        {
            await HistoryAsync(node);
            var proposal = await ProposedAsync(node, "review earlier");
            Assert.Equal((1, 1, (int?)null), (proposal.GetProperty("number").GetInt32(), proposal.GetProperty("basedOn").GetInt32(), NullableInt(proposal.GetProperty("activatedAs"))));
            Assert.Equal(1, (await HistoryAsync(node)).GetProperty("version").GetInt32());
            for (var version = 1; version <= 3; version++)
            {
                var enabled = version % 2 == 0;
                await ChangedAsync(await node.Admin.PatchAsJsonAsync(new Uri("/api/rules/card-testing", UriKind.Relative), new { version, enabled, comment = $"change {version}" }));
            }

            await InForceAsync(node, 4);
            using var stale = await node.Admin.PostAsync(new Uri("/api/rules/proposals/1/activate", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            Assert.Contains("proposal 1 was made to v1, but v4 is in force", await ErrorAsync(stale), StringComparison.Ordinal);
        }

        // Events 1-4 (v1, the proposal, v2, v3) are in the newest snapshot (older ones are deleted); with them gone from
        // the journal only the snapshot can give them back, and replaying event 5 (v4) onto an empty book would fail.
        await using (var journal = new SqliteConnection($"Data Source={Path.Combine(_directory, "rulebook.db")}"))
        {
            await journal.OpenAsync();
            await using var snapshots = journal.CreateCommand();
            snapshots.CommandText = "SELECT group_concat(sequence_number) FROM snapshot WHERE persistence_id = 'rule-book'";
            Assert.Equal("4", await snapshots.ExecuteScalarAsync());
            await using var delete = journal.CreateCommand();
            delete.CommandText = "DELETE FROM journal WHERE persistence_id = 'rule-book' AND sequence_number <= 4";
            Assert.Equal(4, await delete.ExecuteNonQueryAsync());
        }

        SqliteConnection.ClearAllPools();
        await using var restarted = await TestNode.StartInAsync(_directory, "Simulator:Enabled=false", "Rules:SnapshotEvery=2");
        await InForceAsync(restarted, 4);
        var entries = (await HistoryAsync(restarted)).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([4, 3, 2, 1], entries.Select(e => e.GetProperty("version").GetInt32()));
        Assert.Equal("change 1", entries[2].GetProperty("comment").GetString());
        var kept = Assert.Single((await restarted.GetJsonAsync("/api/rules/proposals")).GetProperty("proposals").EnumerateArray());
        Assert.Equal("review earlier", kept.GetProperty("comment").GetString());

        // A proposal on the version in force is activated as the next version, and says so.
        Assert.Equal(2, (await ProposedAsync(restarted, "review earlier, again")).GetProperty("number").GetInt32());
        var activated = await ChangedAsync(await restarted.Admin.PostAsync(new Uri("/api/rules/proposals/2/activate", UriKind.Relative), null));
        Assert.Equal((5, 2, "thresholds-changed"), (activated.GetProperty("version").GetInt32(), activated.GetProperty("fromProposal").GetInt32(), activated.GetProperty("change").GetString()));
        Assert.Equal(45, (await InForceAsync(restarted, 5)).GetProperty("reviewThreshold").GetInt32());
        var proposals = (await restarted.GetJsonAsync("/api/rules/proposals")).GetProperty("proposals").EnumerateArray().ToList();
        Assert.Equal([5, null], proposals.Select(p => NullableInt(p.GetProperty("activatedAs"))));
    }

    private static int? NullableInt(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetInt32();

    /// <summary>Proposes the rules in force with a review threshold of 45.</summary>
    private static async Task<JsonElement> ProposedAsync(TestNode node, string comment)
    {
        var rules = JsonNode.Parse((await node.GetJsonAsync("/api/rules")).GetRawText())!;
        rules["reviewThreshold"] = 45;
        using var response = await node.Admin.PostAsync(new Uri($"/api/rules/proposals?comment={Uri.EscapeDataString(comment)}", UriKind.Relative), Json(rules));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Is_read_and_changed_from_the_cli_in_one_line_per_change_and_one_line_per_mistake()
    {
        await using var node = await TestNode.StartInAsync(_directory, "Simulator:Enabled=false");
        await HistoryAsync(node);
        var admin = new Dictionary<string, string> { ["AKKAFRAUD_URL"] = node.BaseAddress.ToString(), ["AKKAFRAUD_ADMIN_TOKEN"] = TestNode.AdminToken };

        var got = await CliProcess.RunAsync(admin, "rules", "get");
        Assert.True(got.ExitCode == 0, got.ToString());
        var rules = JsonNode.Parse(got.Out)!;
        Assert.Equal(1, rules["version"]!.GetValue<int>());
        rules["reviewThreshold"] = 45;
        var file = Path.Combine(_directory, "rules.json");
        await File.WriteAllTextAsync(file, rules.ToJsonString());

        var dryRun = await CliProcess.RunAsync(admin, "rules", "set", file, "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.StartsWith("dry run, nothing changed:", dryRun.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await HistoryAsync(node)).GetProperty("version").GetInt32());

        var set = await CliProcess.RunAsync(admin, "rules", "set", file, "--comment", "review earlier");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal("v2 in force: thresholds-changed by admin token (review earlier)", set.Out.Trim());

        var stale = await CliProcess.RunAsync(admin, "rules", "set", file);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("v2 is in force", stale.Error, StringComparison.Ordinal);
        Assert.Single(stale.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var disabled = await CliProcess.RunAsync(admin, "rules", "disable", "card-testing", "--comment", "noisy");
        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.Equal("v3 in force: rule-disabled 'card-testing' by admin token (noisy)", disabled.Out.Trim());
        var unknown = await CliProcess.RunAsync(admin, "rules", "enable", "no-such-rule");
        Assert.Equal(5, unknown.ExitCode);
        Assert.Contains("has no rule 'no-such-rule'", unknown.Error, StringComparison.Ordinal);

        var diff = await CliProcess.RunAsync(admin, "rules", "diff", "--from", "1", "--to", "3");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Contains("~ reviewThreshold: 50 -> 45", diff.Out, StringComparison.Ordinal);
        Assert.Contains("~ card-testing: enabled true -> false", diff.Out, StringComparison.Ordinal);

        var rollback = await CliProcess.RunAsync(admin, "rules", "rollback", "--to", "1", "--comment", "as shipped");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal("v4 in force: rolled-back to v1 by admin token (as shipped)", rollback.Out.Trim());

        var snooze = await CliProcess.RunAsync(admin, "rules", "snooze", "impossible-travel", "--account", "acc-000042", "--until", "7d");
        Assert.True(snooze.ExitCode == 0, snooze.ToString());
        Assert.Equal("v5 in force: rule-snoozed 'impossible-travel' for account acc-000042 by admin token", snooze.Out.Trim());
        var unsnooze = await CliProcess.RunAsync(admin, "rules", "snooze", "impossible-travel", "--account", "acc-000042", "--end");
        Assert.Equal("v6 in force: rule-unsnoozed 'impossible-travel' for account acc-000042 by admin token", unsnooze.Out.Trim());
        var both = await CliProcess.RunAsync(admin, "rules", "snooze", "impossible-travel", "--account", "acc-000042", "--until", "7d", "--end");
        Assert.Equal(2, both.ExitCode);

        var history = await CliProcess.RunAsync(admin, "rules", "history", "--json");
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Equal([6, 5, 4, 3, 2, 1], JsonDocument.Parse(history.Out).RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("version").GetInt32()));
        var table = await CliProcess.RunAsync(admin, "rules", "history");
        Assert.Contains("* v6", table.Out, StringComparison.Ordinal);
        Assert.Contains("as shipped", table.Out, StringComparison.Ordinal);

        var viewer = await CliProcess.RunAsync(new Dictionary<string, string> { ["AKKAFRAUD_URL"] = node.BaseAddress.ToString() }, "rules", "rollback", "--to", "2");
        Assert.Equal(4, viewer.ExitCode);
    }

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>The history once the rule book answers (its singleton starts with the node's cluster).</summary>
    private static async Task<JsonElement> HistoryAsync(TestNode node)
    {
        JsonElement history = default;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await node.Http.GetAsync(new Uri("/api/rules/history", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            history = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return true;
        }, Patience, "the rule book to answer");
        return history;
    }

    /// <summary>The entry of an accepted change.</summary>
    private static async Task<JsonElement> ChangedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("entry").Clone();
        }
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    /// <summary>Waits until this node scores with <paramref name="version"/>, and returns that rule set.</summary>
    private static async Task<JsonElement> InForceAsync(TestNode node, int version)
    {
        JsonElement rules = default;
        await Eventually.TrueAsync(async () =>
        {
            rules = await node.GetJsonAsync("/api/rules");
            return rules.GetProperty("version").GetInt32() == version;
        }, Patience, () => $"v{version} in force on the node (it has v{rules.GetProperty("version").GetInt32()})");
        return rules;
    }

    /// <summary>The stored verdict of an injected large amount (8,000 or more; above <paramref name="over"/>, injecting again if need be).</summary>
    private static async Task<JsonElement> ScoredAsync(TestNode node, string? account = null, decimal over = 0)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await StoredAsync(node, await InjectedAsync(node, account));
            if (stored.GetProperty("amount").GetDecimal() > over || attempt == 5)
            {
                return stored;
            }
        }
    }

    /// <summary>Injects a large amount as soon as the simulator takes one (it answers 409 while it starts) and returns its id.</summary>
    private static async Task<string> InjectedAsync(TestNode node, string? account)
    {
        string? id = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await node.Admin.PostAsJsonAsync(new Uri("/api/simulator/inject", UriKind.Relative), new { scenario = "large-amount", accountId = account });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict, $"inject: {(int)response.StatusCode} {body}");
            id = response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("transactionIds")[0].GetString() : null;
            return id is not null;
        }, Patience, "the simulator to take an injection");
        return id!;
    }

    private static async Task<JsonElement> StoredAsync(TestNode node, string id)
    {
        JsonElement stored = default;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await node.Http.GetAsync(new Uri($"/api/transactions/{Uri.EscapeDataString(id)}", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            stored = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return true;
        }, Patience, $"transaction {id} stored");
        return stored;
    }
}
