using System.Text.Json;
using AkkaFraud.Domain;

namespace AkkaFraud.Node.Contracts;

/// <summary>
/// One version of the rule book: what changed (<c>activated</c>, <c>rule-added</c>, <c>rule-changed</c>,
/// <c>rule-removed</c>, <c>rule-enabled</c>, <c>rule-disabled</c>, <c>thresholds-changed</c>, <c>rolled-back</c>), the rule
/// it concerned, the version it rolled back to, who (the key's or user's name), when and why.
/// </summary>
public sealed record RuleBookEntryDto(int Version, string Change, string? RuleId, string? AccountId, int? RolledBackTo, int? FromProposal, string Who, DateTimeOffset At, string? Comment)
{
    public static RuleBookEntryDto From(RuleBookEntry entry) => new(
        entry.Version, WireNames.RuleBookChange(entry.Change), entry.RuleId, entry.AccountId, entry.RolledBackTo, entry.FromProposal, entry.Who, entry.At, entry.Comment);
}

/// <summary>A change the rule book accepted: its entry, and the rule set now in force (reaching every node within a second or so).</summary>
public sealed record RuleChangeDto(RuleBookEntryDto Entry, JsonElement RuleSet);

/// <summary>
/// A rule set proposed for activation: made to version <see cref="BasedOn"/>, validated, not in force until
/// activated (<see cref="ActivatedAs"/>, the version it became).
/// </summary>
public sealed record RuleProposalDto(int Number, int BasedOn, string Who, DateTimeOffset At, string? Comment, int? ActivatedAs, JsonElement RuleSet);

/// <summary>Every proposal, newest first.</summary>
public sealed record RuleProposalsDto(IReadOnlyList<RuleProposalDto> Proposals);

/// <summary>Every version of the rule book, newest first; <see cref="Version"/> is the one in force.</summary>
public sealed record RuleHistoryDto(int Version, IReadOnlyList<RuleBookEntryDto> Entries);

/// <summary>
/// A change to one rule of version <see cref="Version"/> (the optimistic check: 409 if another is in force):
/// <see cref="Enabled"/> to enable or disable it, or <see cref="Rule"/> to add it or replace it (its id is the path's).
/// </summary>
public sealed record RulePatchRequest(int? Version, bool? Enabled, JsonElement? Rule, string? Comment);

/// <summary>
/// Snoozes the path's rule for <see cref="AccountId"/> until <see cref="Until"/> (event time), or with no
/// <see cref="Until"/> ends its snooze; made to version <see cref="Version"/> (the one in force).
/// </summary>
public sealed record RuleSnoozeRequest(int? Version, string? AccountId, DateTimeOffset? Until, string? Comment);

/// <summary>Puts version <see cref="To"/>'s rule set back in force, made to version <see cref="Version"/> (the one in force).</summary>
public sealed record RuleRollbackRequest(int? Version, int? To, string? Comment);

/// <summary>A rule that differs between two versions: <c>added</c>, <c>removed</c> or <c>changed</c>, with its JSON before and after.</summary>
public sealed record RuleDifferenceDto(string RuleId, string Change, JsonElement? Before, JsonElement? After);

/// <summary>A setting (thresholds, currency, rates, lateness) that differs, with its JSON values.</summary>
public sealed record SettingDifferenceDto(string Name, JsonElement Before, JsonElement After);

/// <summary>What differs from version <see cref="From"/> to version <see cref="To"/>.</summary>
public sealed record RuleSetDiffDto(int From, int To, IReadOnlyList<RuleDifferenceDto> Rules, IReadOnlyList<SettingDifferenceDto> Settings)
{
    public static RuleSetDiffDto Of(RuleSetDiff diff) => new(
        diff.FromVersion,
        diff.ToVersion,
        [.. diff.Rules.Select(r => new RuleDifferenceDto(r.RuleId, r.Change.ToString().ToLowerInvariant(), Parse(r.Before), Parse(r.After)))],
        [.. diff.Settings.Select(s => new SettingDifferenceDto(s.Name, JsonDocument.Parse(s.Before).RootElement, JsonDocument.Parse(s.After).RootElement))]);

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement;
}
