using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>The rule set accounts score with on this node; replaced as a whole when the rule book changes.</summary>
public sealed class RuleSetSource(RuleSet initial)
{
    private volatile RuleSet _current = initial;

    public RuleSet Current => _current;

    public void Replace(RuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        _current = ruleSet;
    }
}
