using System.Collections.Immutable;

namespace AkkaFraud.Domain;

/// <summary>
/// Scores transactions. <see cref="Apply"/> is the whole of fraud detection for one account: the cluster's account
/// actors call it, and <see cref="Replay(IEnumerable{Transaction}, RuleSet)"/> runs it over a recorded stream to give the verdicts the cluster must match.
/// Event time only: nothing here reads a clock.
/// </summary>
public static class RuleEngine
{
    /// <summary>
    /// Scores <paramref name="transaction"/> against the account's history, then records it in
    /// <paramref name="state"/> (the account's own state, changed in place). A transaction id the state already holds
    /// is a duplicate: the verdict says so and the state is left as it was.
    /// </summary>
    public static Verdict Apply(AccountState state, Transaction transaction, RuleSet ruleSet)
    {
        if (state.Contains(transaction.TransactionId))
        {
            return new Verdict
            {
                TransactionId = transaction.TransactionId,
                AccountId = transaction.AccountId,
                Score = 0,
                Decision = Decision.Approve,
                Reasons = [],
                RuleSetVersion = ruleSet.Version,
                IsDuplicate = true,
            };
        }

        // Most transactions give no reason: the builder is made for the first one.
        ImmutableArray<Reason>.Builder? reasons = null;
        var score = 0;
        var snoozes = ruleSet.SnoozesOf(transaction.AccountId);
        foreach (var rule in ruleSet.Rules)
        {
            if (rule.Enabled && (snoozes.IsEmpty || !Snoozed(snoozes, rule.Id, transaction)) && rule.Evaluate(transaction, state, ruleSet) is { } reason)
            {
                (reasons ??= ImmutableArray.CreateBuilder<Reason>()).Add(reason);
                score += reason.Weight;
            }
        }

        // Allow rules weigh negative: the total stays within 0..100 whatever the mix.
        score = Math.Clamp(score, 0, 100);
        state.Add(transaction, ruleSet.HorizonMs);
        return new Verdict
        {
            TransactionId = transaction.TransactionId,
            AccountId = transaction.AccountId,
            Score = score,
            Decision = score >= ruleSet.BlockThreshold ? Decision.Block
                : score >= ruleSet.ReviewThreshold ? Decision.Review
                : Decision.Approve,
            Reasons = reasons is null ? [] : reasons.ToImmutable(),
            RuleSetVersion = ruleSet.Version,
        };
    }

    private static bool Snoozed(ImmutableArray<RuleSnooze> snoozes, string ruleId, Transaction transaction)
    {
        foreach (var snooze in snoozes)
        {
            if (snooze.RuleId == ruleId && transaction.EventTime < snooze.Until)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The oracle: scores <paramref name="transactions"/> in the given order with a fresh state per account, and returns
    /// the verdicts in the same order. Only the per-account order matters: any interleaving of accounts gives the
    /// same verdict for every transaction.
    /// </summary>
    public static IReadOnlyList<Verdict> Replay(IEnumerable<Transaction> transactions, RuleSet ruleSet) => Replay(transactions, _ => ruleSet);

    /// <summary>
    /// The oracle of a run whose rules changed while it ran: as above, each transaction scored with the rule set
    /// <paramref name="ruleSetOf"/> gives it (the version its node had when it scored it), on state that carries over
    /// from one version to the next, as an account actor's does.
    /// </summary>
    public static IReadOnlyList<Verdict> Replay(IEnumerable<Transaction> transactions, Func<Transaction, RuleSet> ruleSetOf)
    {
        ArgumentNullException.ThrowIfNull(ruleSetOf);
        var states = new Dictionary<string, AccountState>(StringComparer.Ordinal);
        var verdicts = new List<Verdict>();
        foreach (var transaction in transactions)
        {
            if (!states.TryGetValue(transaction.AccountId, out var state))
            {
                state = new AccountState();
                states.Add(transaction.AccountId, state);
            }

            verdicts.Add(Apply(state, transaction, ruleSetOf(transaction)));
        }

        return verdicts;
    }
}
