using System.Collections.Immutable;
using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Rules;

/// <summary>A message to or from the rule book singleton; they travel as JSON (<see cref="RuleBookSerializer"/>).</summary>
public interface IRuleBookMessage;

/// <summary>Asks the rule book for its whole history (a few entries a day: small); answered with <see cref="RuleBookView"/>.</summary>
public sealed record GetRuleBook : IRuleBookMessage
{
    public static GetRuleBook Instance { get; } = new();
}

/// <summary>Every version, oldest first (the last one is in force), and every proposal.</summary>
public sealed record RuleBookView(ImmutableArray<RuleBookEntry> History) : IRuleBookMessage
{
    public ImmutableArray<RuleSetProposal> Proposals { get; init; } = [];
}

public enum RuleBookCommand
{
    /// <summary>A whole rule set (<see cref="ChangeRules.Json"/>) whose version is the one it was edited from.</summary>
    Replace,

    /// <summary>One rule (<see cref="ChangeRules.Json"/>), added or replacing the rule of its id.</summary>
    PutRule,
    Enable,
    Disable,
    RemoveRule,

    /// <summary>Back to <see cref="ChangeRules.ToVersion"/>.</summary>
    RollBack,

    /// <summary>A whole rule set (<see cref="ChangeRules.Json"/>) proposed, not put in force.</summary>
    Propose,

    /// <summary>Proposal <see cref="ChangeRules.ToVersion"/> (its number) put in force.</summary>
    Activate,

    /// <summary>Rule <see cref="ChangeRules.RuleId"/> snoozed for <see cref="ChangeRules.AccountId"/> until <see cref="ChangeRules.Until"/> (null: the snooze ends).</summary>
    Snooze,
}

/// <summary>A change to the rule book, by <paramref name="Who"/> (the identity that asked), answered with a <see cref="RuleBookDecision"/>.</summary>
public sealed record ChangeRules(
    RuleBookCommand Command, int ExpectedVersion, string Who, string? Comment, string? Json = null, string? RuleId = null, int? ToVersion = null,
    string? AccountId = null, DateTimeOffset? Until = null) : IRuleBookMessage;

/// <summary>The rule set in force, as the rule book publishes it to every node (topic <see cref="RuleBookActor.Topic"/>) and answers a pull.</summary>
public sealed record RuleSetInForce(int Version, string RuleSetJson) : IRuleBookMessage;

/// <summary>Asks the rule book for the rule set in force; answered with <see cref="RuleSetInForce"/>.</summary>
public sealed record GetRuleSetInForce : IRuleBookMessage
{
    public static GetRuleSetInForce Instance { get; } = new();
}

/// <summary>The rule book's snapshot: its whole history, so recovery replays only the entries after it.</summary>
public sealed record RuleBookSnapshot(ImmutableArray<RuleBookEntry> History) : IRuleBookMessage
{
    public ImmutableArray<RuleSetProposal> Proposals { get; init; } = [];
}
