using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using AkkaFraud.Node.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

/// <summary>Prints the rule set in force, as the JSON document <c>rules set</c> takes back (so <c>--json</c> changes nothing).</summary>
internal sealed class RulesGetCommand(CliEnvironment environment) : NodeCommand<NodeSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, NodeSettings settings, CancellationToken cancellationToken) =>
        await PrintJsonAsync(await node.GetTextAsync("api/rules", cancellationToken));
}

internal sealed class RulesSetSettings : NodeSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("A rule set JSON file, as 'akkafraud rules get' prints it, edited; its version must be the one in force.")]
    public string File { get; init; } = string.Empty;

    [CommandOption("--comment <WHY>")]
    [Description("Why: recorded with the change in the history.")]
    public string? Comment { get; init; }

    [CommandOption("--dry-run")]
    [Description("Only backtest the file's rules over the stored last hour beside the rules in force; change nothing.")]
    public bool DryRun { get; init; }

    public override ValidationResult Validate() =>
        System.IO.File.Exists(File) ? ValidationResult.Success() : ValidationResult.Error($"{File} does not exist: write the rules first, e.g. akkafraud rules get > rules.json");
}

/// <summary>Puts a whole rule set in force (or, with <c>--dry-run</c>, shows what it would have flagged in the last hour).</summary>
internal sealed class RulesSetCommand(CliEnvironment environment) : RuleChangeCommand<RulesSetSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, RulesSetSettings settings, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(settings.File, cancellationToken);
        JsonElement rules;
        try
        {
            rules = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"{settings.File} is not JSON ({e.Message}): it must be a rule set as 'akkafraud rules get' prints it.");
        }

        if (settings.DryRun)
        {
            return await DryRunAsync(node, rules, settings, cancellationToken);
        }

        var path = "api/rules" + (settings.Comment is { } comment ? $"?comment={Uri.EscapeDataString(comment)}" : "");
        return await PrintChangeAsync(node, await node.SendJsonAsync(HttpMethod.Put, path, rules, cancellationToken), settings);
    }

    private async Task<int> DryRunAsync(NodeClient node, JsonElement rules, RulesSetSettings settings, CancellationToken cancellationToken)
    {
        var to = DateTimeOffset.UtcNow;
        var body = await node.SendJsonAsync(HttpMethod.Post, "api/backtests", new BacktestRequest(rules, null, to.AddHours(-1), to, null), cancellationToken);
        if (settings.Json)
        {
            return await PrintJsonAsync(body);
        }

        var result = node.Parse<BacktestResultDto>(body, "api/backtests");
        Console.Write(new Text(string.Create(CultureInfo.InvariantCulture,
            $"dry run, nothing changed: over the last hour's {result.Transactions:N0} stored transactions these rules flag {result.Flagged:N0}, the rules in force (v{result.AgainstVersion}) {result.AgainstFlagged:N0}: {result.NewlyFlagged:N0} newly flagged{Examples(result.NewlyFlaggedExamples)}, {result.NoLongerFlagged:N0} no longer flagged{Examples(result.NoLongerFlaggedExamples)}\n")));
        return ExitCodes.Ok;
    }

    private static string Examples(IReadOnlyList<string> ids) => ids.Count == 0 ? "" : $" (e.g. {string.Join(", ", ids.Take(3))})";
}

internal class RuleIdSettings : NodeSettings
{
    [CommandArgument(0, "<RULE>")]
    [Description("The rule's id, as 'akkafraud rules get' shows it.")]
    public string RuleId { get; init; } = string.Empty;

    [CommandOption("--comment <WHY>")]
    [Description("Why: recorded with the change in the history.")]
    public string? Comment { get; init; }
}

/// <summary>Enables or disables one rule of the version in force.</summary>
internal abstract class RulesSwitchCommand(CliEnvironment environment, bool enable) : RuleChangeCommand<RuleIdSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, RuleIdSettings settings, CancellationToken cancellationToken)
    {
        var version = await VersionInForceAsync(node, cancellationToken);
        var body = await node.SendJsonAsync(HttpMethod.Patch, $"api/rules/{Uri.EscapeDataString(settings.RuleId)}",
            new RulePatchRequest(version, enable, null, settings.Comment), cancellationToken);
        return await PrintChangeAsync(node, body, settings);
    }
}

internal sealed class RulesEnableCommand(CliEnvironment environment) : RulesSwitchCommand(environment, enable: true);

internal sealed class RulesDisableCommand(CliEnvironment environment) : RulesSwitchCommand(environment, enable: false);

/// <summary>A command that changes the rule book: it prints the new version in one line (or the node's answer for <c>--json</c>).</summary>
internal abstract class RuleChangeCommand<TSettings>(CliEnvironment environment) : NodeCommand<TSettings>(environment)
    where TSettings : NodeSettings
{
    /// <summary>The version a change is made to: the one in force now (the optimistic check of the node).</summary>
    protected static async Task<int> VersionInForceAsync(NodeClient node, CancellationToken cancellationToken) =>
        (await node.GetAsync<RuleHistoryDto>("api/rules/history", cancellationToken)).Version;

    protected async Task<int> PrintChangeAsync(NodeClient node, string body, TSettings settings)
    {
        if (settings.Json)
        {
            return await PrintJsonAsync(body);
        }

        var e = node.Parse<RuleChangeDto>(body, "api/rules").Entry;
        var what = e.Change + (e.RuleId is { } id ? $" '{id}'" : "") + (e.AccountId is { } account ? $" for account {account}" : "") + (e.RolledBackTo is { } to ? $" to v{to}" : "");
        Console.Write(new Text($"v{e.Version} in force: {what} by {e.Who}{(e.Comment is { } c ? $" ({c})" : "")}\n"));
        return ExitCodes.Ok;
    }
}

internal sealed class RulesSnoozeSettings : RuleIdSettings
{
    [CommandOption("--account <ACCOUNT>")]
    [Description("The account whose transactions the rule leaves alone.")]
    public string? Account { get; init; }

    [CommandOption("--until <WHEN>")]
    [Description("Until when (event time): a duration from now such as 12h or 7d, or an ISO-8601 time.")]
    public string? Until { get; init; }

    [CommandOption("--end")]
    [Description("End the rule's snooze for the account now.")]
    public bool End { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Account) || (Until is null) == !End
            ? ValidationResult.Error("name the account and either --until or --end, e.g. akkafraud rules snooze impossible-travel --account acc-000123 --until 7d")
            : Until is not null && !KeyCreateSettings.TryExpiry(Until, DateTimeOffset.UtcNow, out _)
                ? ValidationResult.Error($"--until '{Until}' is neither a duration (7d, 12h, 90m) nor an ISO-8601 time (2027-01-31T00:00:00Z)")
                : ValidationResult.Success();
}

/// <summary>Snoozes one rule for one account until a time, or ends its snooze.</summary>
internal sealed class RulesSnoozeCommand(CliEnvironment environment) : RuleChangeCommand<RulesSnoozeSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, RulesSnoozeSettings settings, CancellationToken cancellationToken)
    {
        DateTimeOffset? until = settings.Until is { } text && KeyCreateSettings.TryExpiry(text, DateTimeOffset.UtcNow, out var at) ? at : null;
        var version = await VersionInForceAsync(node, cancellationToken);
        var body = await node.SendJsonAsync(HttpMethod.Post, $"api/rules/{Uri.EscapeDataString(settings.RuleId)}/snooze",
            new RuleSnoozeRequest(version, settings.Account, until, settings.Comment), cancellationToken);
        return await PrintChangeAsync(node, body, settings);
    }
}

internal sealed class RulesHistoryCommand(CliEnvironment environment) : NodeCommand<NodeSettings>(environment)
{
    protected override Task<int> RunAsync(NodeClient node, NodeSettings settings, CancellationToken cancellationToken) =>
        ShowAsync<RuleHistoryDto>(node, "api/rules/history", settings, history =>
        {
            var table = Tables.New("Version", "Change", "Rule", "Who", "At", "Comment");
            foreach (var e in history.Entries)
            {
                var change = e.RolledBackTo is { } to ? $"{e.Change} to v{to}" : e.Change;
                table.Row((e.Version == history.Version ? "* v" : "v") + e.Version.ToString(CultureInfo.InvariantCulture), change, e.RuleId ?? "", e.Who, Tables.Time(e.At), e.Comment ?? "");
            }

            Console.Write(table);
        }, cancellationToken);
}

internal sealed class RulesDiffSettings : NodeSettings
{
    [CommandOption("--from <VERSION>")]
    [Description("The earlier version (default: the one before --to).")]
    public int? From { get; init; }

    [CommandOption("--to <VERSION>")]
    [Description("The later version (default: the one in force).")]
    public int? To { get; init; }
}

/// <summary>What differs between two versions: one line per rule or setting.</summary>
internal sealed class RulesDiffCommand(CliEnvironment environment) : NodeCommand<RulesDiffSettings>(environment)
{
    protected override Task<int> RunAsync(NodeClient node, RulesDiffSettings settings, CancellationToken cancellationToken)
    {
        var query = string.Join('&', new[] { settings.From is { } f ? $"from={f}" : null, settings.To is { } t ? $"to={t}" : null }.OfType<string>());
        return ShowAsync<RuleSetDiffDto>(node, "api/rules/diff" + (query.Length > 0 ? "?" + query : ""), settings, diff =>
        {
            Console.Write(new Text($"v{diff.From} -> v{diff.To}: {diff.Rules.Count} rule(s) and {diff.Settings.Count} setting(s) differ\n"));
            foreach (var s in diff.Settings)
            {
                Console.Write(new Text($"~ {s.Name}: {s.Before.GetRawText()} -> {s.After.GetRawText()}\n"));
            }

            foreach (var r in diff.Rules)
            {
                var line = r.Change switch
                {
                    "added" => $"+ {r.RuleId}: {r.After?.GetRawText()}",
                    "removed" => $"- {r.RuleId}: {r.Before?.GetRawText()}",
                    _ => $"~ {r.RuleId}: {ChangedFields(r.Before!.Value, r.After!.Value)}",
                };
                Console.Write(new Text(line + "\n"));
            }
        }, cancellationToken);
    }

    /// <summary>The rule's top-level fields that differ, <c>limit 9000 -> 500</c>.</summary>
    private static string ChangedFields(JsonElement before, JsonElement after)
    {
        var names = before.EnumerateObject().Select(p => p.Name).Union(after.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
        return string.Join(", ", names
            .Select(n => (n, a: before.TryGetProperty(n, out var x) ? x.GetRawText() : "(none)", b: after.TryGetProperty(n, out var y) ? y.GetRawText() : "(none)"))
            .Where(d => d.a != d.b)
            .Select(d => $"{d.n} {d.a} -> {d.b}"));
    }
}

internal sealed class RulesRollbackSettings : NodeSettings
{
    [CommandOption("--to <VERSION>")]
    [Description("The version whose rules to put back in force (see akkafraud rules history).")]
    public int? To { get; init; }

    [CommandOption("--comment <WHY>")]
    [Description("Why: recorded with the change in the history.")]
    public string? Comment { get; init; }

    public override ValidationResult Validate() =>
        To is > 0 ? ValidationResult.Success() : ValidationResult.Error("name the version to go back to, e.g. akkafraud rules rollback --to 3 (see akkafraud rules history)");
}

/// <summary>Puts an earlier version's rules back in force, as the next version.</summary>
internal sealed class RulesRollbackCommand(CliEnvironment environment) : RuleChangeCommand<RulesRollbackSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, RulesRollbackSettings settings, CancellationToken cancellationToken)
    {
        var version = await VersionInForceAsync(node, cancellationToken);
        var body = await node.SendJsonAsync(HttpMethod.Post, "api/rules/rollback", new RuleRollbackRequest(version, settings.To, settings.Comment), cancellationToken);
        return await PrintChangeAsync(node, body, settings);
    }
}
