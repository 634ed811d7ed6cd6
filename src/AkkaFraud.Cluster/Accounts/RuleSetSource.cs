using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// The rule set accounts score with on this node: the shipped one until the rule book's reaches it
/// (<see cref="Rules.RuleSetFollower"/>), then replaced as a whole by every newer version.
/// </summary>
public sealed class RuleSetSource(RuleSet initial)
{
    private volatile RuleSet _current = initial;
    private volatile bool _fromRuleBook;

    public RuleSet Current => _current;

    /// <summary>Whether <see cref="Current"/> came from the rule book (and not from the build).</summary>
    public bool FromRuleBook => _fromRuleBook;

    public void Replace(RuleSet ruleSet, bool fromRuleBook)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        _current = ruleSet;
        _fromRuleBook = fromRuleBook;
    }
}
