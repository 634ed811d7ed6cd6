using System.Collections.Immutable;

namespace AkkaFraud.Domain;

public enum Decision
{
    Approve,
    Review,
    Block,
}

/// <summary>
/// Why a rule fired, with the numbers that made it fire: <see cref="Observed"/> crossed <see cref="Limit"/>.
/// <see cref="Message"/> is the same fact for people, e.g. "7 transactions in 60 s > limit 5".
/// </summary>
public sealed record Reason(string RuleId, RuleKind Kind, decimal Observed, decimal Limit, int Weight, string Message);

/// <summary>
/// The engine's answer for one transaction. Value equality includes the reasons (in rule order), so the cluster's
/// verdicts can be compared with <see cref="RuleEngine.Replay(IEnumerable{Transaction}, RuleSet)"/>'s one for one.
/// </summary>
public sealed record Verdict
{
    public required string TransactionId { get; init; }
    public required string AccountId { get; init; }

    /// <summary>Sum of the weights of the rules that fired, capped at 100.</summary>
    public required int Score { get; init; }

    public required Decision Decision { get; init; }
    public required ImmutableArray<Reason> Reasons { get; init; }
    public required int RuleSetVersion { get; init; }

    /// <summary>
    /// The account had already scored a transaction with this id (within its retained history): the state was not
    /// changed and nothing fired. Duplicates are data about the producer, not about the customer.
    /// </summary>
    public bool IsDuplicate { get; init; }

    public bool Flagged => Decision != Decision.Approve;

    public bool Equals(Verdict? other) =>
        other is not null
        && TransactionId == other.TransactionId
        && AccountId == other.AccountId
        && Score == other.Score
        && Decision == other.Decision
        && RuleSetVersion == other.RuleSetVersion
        && IsDuplicate == other.IsDuplicate
        && Reasons.SequenceEqual(other.Reasons);

    public override int GetHashCode() => HashCode.Combine(TransactionId, Score, Decision, RuleSetVersion, IsDuplicate);
}
