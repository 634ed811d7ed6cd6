using System.Collections.Immutable;

namespace AkkaFraud.Domain;

/// <summary>How one version of the rule book came from the one before it.</summary>
public enum RuleBookChange
{
    /// <summary>A rule set put in force as a whole (several things changed, or the book's first version).</summary>
    Activated,
    RuleAdded,
    RuleChanged,
    RuleRemoved,
    RuleEnabled,
    RuleDisabled,

    /// <summary>Only the review and block thresholds changed.</summary>
    ThresholdsChanged,

    /// <summary>An earlier version's rule set put back in force, under a new version number.</summary>
    RolledBack,

    /// <summary>A rule switched off for one account (<see cref="RuleBookEntry.AccountId"/>) until a time.</summary>
    RuleSnoozed,

    /// <summary>A rule's snooze for one account ended before its time.</summary>
    RuleUnsnoozed,
}

/// <summary>
/// One version of the rule book: the rule set in force from then on (<paramref name="RuleSetJson"/>, whose version
/// is <paramref name="Version"/>), what changed, who changed it, when, and why. The rule book's event: the history is
/// these entries in version order, and replaying them gives the rule set in force.
/// </summary>
public sealed record RuleBookEntry(
    int Version, RuleBookChange Change, string? RuleId, int? RolledBackTo, string Who, DateTimeOffset At, string? Comment, string RuleSetJson)
{
    /// <summary>The account of a snooze, else null.</summary>
    public string? AccountId { get; init; }

    /// <summary>The proposal this version activated, else null.</summary>
    public int? FromProposal { get; init; }

    public RuleSet ToRuleSet() => RuleSet.FromJson(RuleSetJson);
}

/// <summary>
/// A rule set proposed for activation, the rule book's other event: validated against the version it was edited from
/// (<paramref name="BasedOn"/>), kept beside the book, not in force until someone activates it (and then only while that
/// version is still in force). Proposals are numbered 1, 2, … in the order they were made.
/// </summary>
public sealed record RuleSetProposal(int Number, int BasedOn, string Who, DateTimeOffset At, string? Comment, string RuleSetJson);

/// <summary>Why the rule book refused a change: nothing of it was applied.</summary>
public enum RuleBookRefusal
{
    /// <summary>The changed rule set would not be valid (the message lists its problems), or changes nothing.</summary>
    Invalid,

    /// <summary>The change was made to another version than the one in force: someone changed the book since.</summary>
    StaleVersion,

    /// <summary>No rule or version of that id or number.</summary>
    NotFound,
}

/// <summary>The rule book's answer to a change: the new entry to record, or a refusal with a sentence for the person.</summary>
public sealed record RuleBookDecision(RuleBookEntry? Entry, RuleBookRefusal? Refusal, string? Message)
{
    /// <summary>A proposal to record (the answer to a proposal, which puts nothing in force).</summary>
    public RuleSetProposal? Proposal { get; init; }

    public static RuleBookDecision Accept(RuleBookEntry entry) => new(entry, null, null);

    public static RuleBookDecision Propose(RuleSetProposal proposal) => new(null, null, null) { Proposal = proposal };

    public static RuleBookDecision Refuse(RuleBookRefusal refusal, string message) => new(null, refusal, message);
}

/// <summary>
/// The versioned history of the rule set: every change is decided against the version in force (an optimistic check:
/// a change made to an older version is refused), validated as a whole rule set (a change that would leave an invalid
/// one is refused, nothing of it applied), and becomes the next version. Rolling back puts an earlier version's
/// rules in force as a new version, so versions only grow and every node can keep the highest it has seen. Pure: the
/// rule book actor persists the entries it decides and applies them, here and on recovery.
/// </summary>
public sealed class RuleBook
{
    private readonly List<RuleBookEntry> _history = [];
    private readonly List<RuleSetProposal> _proposals = [];

    public IReadOnlyList<RuleBookEntry> History => _history;

    /// <summary>Every proposal made, oldest first (activated ones too: the entry that activated one names it).</summary>
    public IReadOnlyList<RuleSetProposal> Proposals => _proposals;

    /// <summary>The rule set in force, null before the first entry.</summary>
    public RuleSet? Active { get; private set; }

    public int Version => Active?.Version ?? 0;

    /// <summary>The first entry of a new book: <paramref name="initial"/> as version 1.</summary>
    public static RuleBookEntry First(RuleSet initial, string who, DateTimeOffset at, string comment)
    {
        ArgumentNullException.ThrowIfNull(initial);
        return new RuleBookEntry(1, RuleBookChange.Activated, null, null, who, at, comment, (initial with { Version = 1 }).ToJson());
    }

    /// <summary>Records an entry this book (or the one it is recovered from) decided.</summary>
    /// <exception cref="InvalidOperationException">The entry is not the next version.</exception>
    public void Apply(RuleBookEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Version != Version + 1)
        {
            throw new InvalidOperationException($"rule book entry v{entry.Version} does not follow v{Version}");
        }

        // Parsed before it is recorded: an entry whose rule set is invalid leaves the book as it was.
        var ruleSet = entry.ToRuleSet();
        _history.Add(entry);
        Active = ruleSet;
    }

    /// <summary>Records a proposal this book decided.</summary>
    /// <exception cref="InvalidOperationException">The proposal is not the next one.</exception>
    public void Apply(RuleSetProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        if (proposal.Number != _proposals.Count + 1)
        {
            throw new InvalidOperationException($"rule set proposal {proposal.Number} does not follow proposal {_proposals.Count}");
        }

        _ = RuleSet.FromJson(proposal.RuleSetJson);
        _proposals.Add(proposal);
    }

    /// <summary>
    /// Proposes a whole rule set, edited from the version in force (its <c>version</c>), for someone to look at, dry-run
    /// and activate: validated now, in force only once <see cref="Activate"/>d.
    /// </summary>
    public RuleBookDecision Propose(string ruleSetJson, string who, DateTimeOffset at, string? comment)
    {
        var decision = Replace(ruleSetJson, who, at, comment);
        return decision.Entry is { } entry
            ? RuleBookDecision.Propose(new RuleSetProposal(_proposals.Count + 1, Version, who, at, entry.Comment, entry.RuleSetJson))
            : decision;
    }

    /// <summary>Puts proposal <paramref name="number"/> in force, if the version it was made to is still the one in force.</summary>
    public RuleBookDecision Activate(int number, string who, DateTimeOffset at, string? comment)
    {
        if (number < 1 || number > _proposals.Count)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.NotFound, $"there is no proposal {number} (proposals 1 to {_proposals.Count})");
        }

        var proposal = _proposals[number - 1];
        if (_history.Any(e => e.FromProposal == number))
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, $"proposal {number} is already activated");
        }

        var json = (RuleSet.FromJson(proposal.RuleSetJson) with { Version = proposal.BasedOn }).ToJson();
        var decision = Replace(json, who, at, comment ?? proposal.Comment);
        return decision.Entry is { } entry
            ? RuleBookDecision.Accept(entry with { FromProposal = number })
            : decision.Refusal == RuleBookRefusal.StaleVersion
                ? RuleBookDecision.Refuse(RuleBookRefusal.StaleVersion, $"proposal {number} was made to v{proposal.BasedOn}, but v{Version} is in force: propose it again on v{Version}")
                : decision;
    }

    /// <summary>The entry of <paramref name="version"/>, or null.</summary>
    public RuleBookEntry? At(int version) => version >= 1 && version <= _history.Count ? _history[version - 1] : null;

    /// <summary>
    /// Puts a whole rule set in force. Its <c>version</c> is the version it was edited from (as <c>GET /api/rules</c>
    /// gave it), the optimistic check; it is recorded as the next version.
    /// </summary>
    public RuleBookDecision Replace(string ruleSetJson, string who, DateTimeOffset at, string? comment)
    {
        RuleSet proposed;
        try
        {
            proposed = RuleSet.FromJson(ruleSetJson);
        }
        catch (FormatException e)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, e.Message);
        }

        if (Stale(proposed.Version) is { } stale)
        {
            return stale;
        }

        var next = proposed with { Version = Version + 1 };
        var diff = RuleSetDiff.Between(Active!, next);
        if (diff.IsEmpty)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, $"the rule set is the one in force (v{Version}): nothing to change");
        }

        var (change, ruleId) = Classify(diff);
        return Accept(next, change, ruleId, null, who, at, comment);
    }

    /// <summary>Adds the rule, or replaces the rule of its id, in the rule set of <paramref name="expectedVersion"/>.</summary>
    public RuleBookDecision PutRule(string ruleJson, int expectedVersion, string who, DateTimeOffset at, string? comment)
    {
        if (Stale(expectedVersion) is { } stale)
        {
            return stale;
        }

        Rule rule;
        try
        {
            rule = RuleSet.RuleFromJson(ruleJson);
        }
        catch (FormatException e)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, e.Message);
        }

        var rules = Active!.Rules;
        var index = rules.IndexOf(rules.FirstOrDefault(r => r.Id == rule.Id)!);
        var next = Active with { Version = Version + 1, Rules = index < 0 ? rules.Add(rule) : rules.SetItem(index, rule) };
        if (index >= 0 && RuleSet.RuleToJson(rules[index]) == RuleSet.RuleToJson(rule))
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, $"rule '{rule.Id}' is already so in v{Version}: nothing to change");
        }

        return Validated(next, index < 0 ? RuleBookChange.RuleAdded : RuleBookChange.RuleChanged, rule.Id, who, at, comment);
    }

    /// <summary>Enables or disables a rule of the rule set of <paramref name="expectedVersion"/>.</summary>
    public RuleBookDecision SetEnabled(string ruleId, bool enabled, int expectedVersion, string who, DateTimeOffset at, string? comment)
    {
        if (Stale(expectedVersion) is { } stale)
        {
            return stale;
        }

        var rules = Active!.Rules;
        var index = rules.IndexOf(rules.FirstOrDefault(r => r.Id == ruleId)!);
        if (index < 0)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.NotFound, $"v{Version} has no rule '{ruleId}' (its rules: {string.Join(", ", rules.Select(r => r.Id))})");
        }

        if (rules[index].Enabled == enabled)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, $"rule '{ruleId}' is already {(enabled ? "enabled" : "disabled")} in v{Version}: nothing to change");
        }

        var next = Active with { Version = Version + 1, Rules = rules.SetItem(index, rules[index] with { Enabled = enabled }) };
        return Validated(next, enabled ? RuleBookChange.RuleEnabled : RuleBookChange.RuleDisabled, ruleId, who, at, comment);
    }

    /// <summary>Removes a rule from the rule set of <paramref name="expectedVersion"/>.</summary>
    public RuleBookDecision RemoveRule(string ruleId, int expectedVersion, string who, DateTimeOffset at, string? comment)
    {
        if (Stale(expectedVersion) is { } stale)
        {
            return stale;
        }

        var rules = Active!.Rules;
        var rule = rules.FirstOrDefault(r => r.Id == ruleId);
        if (rule is null)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.NotFound, $"v{Version} has no rule '{ruleId}' (its rules: {string.Join(", ", rules.Select(r => r.Id))})");
        }

        return Validated(Active with { Version = Version + 1, Rules = rules.Remove(rule) }, RuleBookChange.RuleRemoved, ruleId, who, at, comment);
    }

    /// <summary>
    /// Snoozes a rule for one account until <paramref name="until"/> (event time), or with null ends its snooze;
    /// snoozes that ended before <paramref name="at"/> are dropped from the set on the way.
    /// </summary>
    public RuleBookDecision Snooze(string ruleId, string accountId, DateTimeOffset? until, int expectedVersion, string who, DateTimeOffset at, string? comment)
    {
        if (Stale(expectedVersion) is { } stale)
        {
            return stale;
        }

        if (!Active!.Rules.Any(r => r.Id == ruleId))
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.NotFound, $"v{Version} has no rule '{ruleId}' (its rules: {string.Join(", ", Active.Rules.Select(r => r.Id))})");
        }

        if (string.IsNullOrWhiteSpace(accountId))
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, "name the account whose transactions the rule should leave alone");
        }

        var current = Active.Snoozes ?? [];
        var kept = current.Where(z => z.Until > at && !(z.RuleId == ruleId && z.AccountId == accountId)).ToImmutableArray();
        if (until is null && kept.Length == current.Length)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.NotFound, $"rule '{ruleId}' is not snoozed for account '{accountId}' in v{Version}");
        }

        if (until is { } end && end <= at)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, $"a snooze must end after now ({at:u}), not at {end:u}");
        }

        var snoozes = until is { } time ? kept.Add(new RuleSnooze(ruleId, accountId, time)) : kept;
        var next = Active with { Version = Version + 1, Snoozes = snoozes.IsEmpty ? null : snoozes };
        return Validated(next, until is null ? RuleBookChange.RuleUnsnoozed : RuleBookChange.RuleSnoozed, ruleId, who, at, comment, accountId);
    }

    /// <summary>Puts the rule set of <paramref name="toVersion"/> back in force, as the next version.</summary>
    public RuleBookDecision RollBack(int toVersion, int expectedVersion, string who, DateTimeOffset at, string? comment)
    {
        if (Stale(expectedVersion) is { } stale)
        {
            return stale;
        }

        if (At(toVersion) is not { } earlier || toVersion == Version)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.NotFound,
                toVersion == Version ? $"v{toVersion} is the version in force: roll back to an earlier one (1 to {Version - 1})" : $"there is no v{toVersion} to roll back to (versions 1 to {Version})");
        }

        var next = earlier.ToRuleSet() with { Version = Version + 1 };
        if (RuleSetDiff.Between(Active!, next).IsEmpty)
        {
            return RuleBookDecision.Refuse(RuleBookRefusal.Invalid, $"v{Version} already has the rules of v{toVersion}: nothing to change");
        }

        return Accept(next, RuleBookChange.RolledBack, null, toVersion, who, at, comment);
    }

    /// <summary>What differs from the rule set of <paramref name="from"/> to that of <paramref name="to"/>; null when either is unknown.</summary>
    public RuleSetDiff? Diff(int from, int to) =>
        At(from) is { } a && At(to) is { } b ? RuleSetDiff.Between(a.ToRuleSet(), b.ToRuleSet()) : null;

    private RuleBookDecision? Stale(int expectedVersion) =>
        Active is null ? RuleBookDecision.Refuse(RuleBookRefusal.StaleVersion, "the rule book has no version yet")
        : expectedVersion == Version ? null
        : RuleBookDecision.Refuse(RuleBookRefusal.StaleVersion,
            $"the change was made to v{expectedVersion}, but v{Version} is in force (changed by {_history[^1].Who} at {_history[^1].At:u}): get the rules again and redo the change on v{Version}");

    private static RuleBookDecision Validated(RuleSet next, RuleBookChange change, string? ruleId, string who, DateTimeOffset at, string? comment, string? accountId = null) =>
        next.Problems() is { Count: > 0 } problems
            ? RuleBookDecision.Refuse(RuleBookRefusal.Invalid, "the rule set would be invalid: " + string.Join("; ", problems))
            : Accept(next, change, ruleId, null, who, at, comment, accountId);

    private static RuleBookDecision Accept(
        RuleSet next, RuleBookChange change, string? ruleId, int? rolledBackTo, string who, DateTimeOffset at, string? comment, string? accountId = null) =>
        RuleBookDecision.Accept(new RuleBookEntry(next.Version, change, ruleId, rolledBackTo, who, at, string.IsNullOrWhiteSpace(comment) ? null : comment, next.ToJson())
        {
            AccountId = accountId,
        });

    /// <summary>A whole rule set's change named by what it did, when it did one thing.</summary>
    private static (RuleBookChange Change, string? RuleId) Classify(RuleSetDiff diff)
    {
        if (diff.Rules.IsEmpty && diff.Settings.All(s => s.Name is "reviewThreshold" or "blockThreshold"))
        {
            return (RuleBookChange.ThresholdsChanged, null);
        }

        if (!diff.Settings.IsEmpty || diff.Rules.Length != 1)
        {
            return (RuleBookChange.Activated, null);
        }

        var only = diff.Rules[0];
        return only.Change switch
        {
            RuleDifferenceKind.Added => (RuleBookChange.RuleAdded, only.RuleId),
            RuleDifferenceKind.Removed => (RuleBookChange.RuleRemoved, only.RuleId),
            _ when RuleSet.RuleToJson(RuleSet.RuleFromJson(only.Before!) with { Enabled = true }) == RuleSet.RuleToJson(RuleSet.RuleFromJson(only.After!) with { Enabled = true }) =>
                (RuleSet.RuleFromJson(only.After!).Enabled ? RuleBookChange.RuleEnabled : RuleBookChange.RuleDisabled, only.RuleId),
            _ => (RuleBookChange.RuleChanged, only.RuleId),
        };
    }
}

public enum RuleDifferenceKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>A rule that differs between two rule sets, with its JSON before and after (null where it does not exist).</summary>
public sealed record RuleDifference(string RuleId, RuleDifferenceKind Change, string? Before, string? After);

/// <summary>A rule set setting (thresholds, currency, rates, lateness) that differs, as JSON values.</summary>
public sealed record SettingDifference(string Name, string Before, string After);

/// <summary>What differs between two rule sets, rule by rule (in the order of the later set, removed ones last) and setting by setting.</summary>
public sealed record RuleSetDiff(int FromVersion, int ToVersion, ImmutableArray<RuleDifference> Rules, ImmutableArray<SettingDifference> Settings)
{
    public bool IsEmpty => Rules.IsEmpty && Settings.IsEmpty;

    public static RuleSetDiff Between(RuleSet from, RuleSet to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var before = from.Rules.ToDictionary(r => r.Id, RuleSet.RuleToJson, StringComparer.Ordinal);
        var after = to.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var rules = ImmutableArray.CreateBuilder<RuleDifference>();
        foreach (var rule in to.Rules)
        {
            var json = RuleSet.RuleToJson(rule);
            if (!before.TryGetValue(rule.Id, out var old))
            {
                rules.Add(new RuleDifference(rule.Id, RuleDifferenceKind.Added, null, json));
            }
            else if (old != json)
            {
                rules.Add(new RuleDifference(rule.Id, RuleDifferenceKind.Changed, old, json));
            }
        }

        rules.AddRange(from.Rules.Where(r => !after.Contains(r.Id)).Select(r => new RuleDifference(r.Id, RuleDifferenceKind.Removed, before[r.Id], null)));
        var settings = ImmutableArray.CreateBuilder<SettingDifference>();
        void Compare(string name, string a, string b)
        {
            if (a != b)
            {
                settings.Add(new SettingDifference(name, a, b));
            }
        }

        Compare("reviewThreshold", Json(from.ReviewThreshold), Json(to.ReviewThreshold));
        Compare("blockThreshold", Json(from.BlockThreshold), Json(to.BlockThreshold));
        Compare("currency", Json(from.Currency), Json(to.Currency));
        Compare("rates", Json(from.Rates), Json(to.Rates));
        Compare("allowedLatenessSeconds", Json(from.AllowedLatenessSeconds), Json(to.AllowedLatenessSeconds));
        Compare("snoozes", Json(from.Snoozes), Json(to.Snoozes));
        return new RuleSetDiff(from.Version, to.Version, rules.ToImmutable(), settings.ToImmutable());
    }

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, Web);
}
