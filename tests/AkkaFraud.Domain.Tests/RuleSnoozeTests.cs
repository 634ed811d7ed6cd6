using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

/// <summary>
/// A rule snoozed for one account: silent for that account's transactions of event time before the snooze ends, and
/// for no one else; a versioned part of the rule set, changed through the rule book like any other.
/// </summary>
public sealed class Rule_snoozes
{
    private static readonly DateTimeOffset Until = Tx.T0.AddHours(1);

    private static RuleSet Snoozed(params RuleSnooze[] snoozes) => RuleSet.Default with { Snoozes = [.. snoozes] };

    private static bool LargeAmount(RuleSet ruleSet, string account, double secondsAfterT0) =>
        RuleEngine.Apply(new AccountState(), Tx.Make(account: account, secondsAfterT0: secondsAfterT0, amount: 20_000), ruleSet)
            .Reasons.Any(r => r.RuleId == "large-amount");

    [Fact]
    public void A_snoozed_rule_is_silent_for_its_account_until_the_snooze_ends_and_speaks_for_everyone_else()
    {
        var ruleSet = Snoozed(new RuleSnooze("large-amount", "a-1", Until));

        Assert.False(LargeAmount(ruleSet, "a-1", 3599));
        Assert.True(LargeAmount(ruleSet, "a-1", 3600));
        Assert.True(LargeAmount(ruleSet, "a-2", 0));
        Assert.True(LargeAmount(RuleSet.Default, "a-1", 0));
        // Another rule of the same account is not snoozed with it.
        var drain = RuleEngine.Apply(new AccountState(), Tx.Make(account: "a-1", amount: 20_000, type: TransactionType.Transfer) with { BalanceBefore = 20_000, BalanceAfter = 0 }, ruleSet);
        Assert.Contains(drain.Reasons, r => r.RuleId == "account-drain");
    }

    [Fact]
    public void Snoozes_survive_the_json_form_and_a_snooze_of_a_rule_the_set_lacks_or_twice_is_a_problem()
    {
        var ruleSet = Snoozed(new RuleSnooze("large-amount", "a-1", Until));
        Assert.Equal(ruleSet.ToJson(), RuleSet.FromJson(ruleSet.ToJson()).ToJson());
        Assert.DoesNotContain("snoozes", RuleSet.Default.ToJson(), StringComparison.Ordinal);

        Assert.Contains(Snoozed(new RuleSnooze("no-such-rule", "a-1", Until)).Problems(), p => p.Contains("must name a rule of the set", StringComparison.Ordinal));
        Assert.Contains(Snoozed(new RuleSnooze("large-amount", "a-1", Until), new RuleSnooze("large-amount", "a-1", Until.AddDays(1))).Problems(),
            p => p.Contains("snoozed 2 times for account 'a-1'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_rule_book_snoozes_a_rule_for_an_account_ends_it_and_drops_snoozes_that_are_over()
    {
        var book = new RuleBook();
        book.Apply(RuleBook.First(RuleSet.Default, "installer", Tx.T0, "shipped"));

        var snoozed = book.Snooze("large-amount", "a-1", Until, 1, "alice", Tx.T0, "a known big spender");
        Assert.Equal((RuleBookChange.RuleSnoozed, "large-amount", "a-1"), (snoozed.Entry!.Change, snoozed.Entry.RuleId, snoozed.Entry.AccountId));
        book.Apply(snoozed.Entry);
        Assert.Equal(new[] { new RuleSnooze("large-amount", "a-1", Until) }, book.Active!.Snoozes!.Value.ToArray());

        // Two hours later the first snooze is over: snoozing another account drops it.
        var later = book.Snooze("impossible-travel", "a-2", Tx.T0.AddDays(1), 2, "alice", Tx.T0.AddHours(2), null);
        book.Apply(later.Entry!);
        Assert.Equal(new[] { new RuleSnooze("impossible-travel", "a-2", Tx.T0.AddDays(1)) }, book.Active!.Snoozes!.Value.ToArray());

        var ended = book.Snooze("impossible-travel", "a-2", null, 3, "bob", Tx.T0.AddHours(3), "back home");
        Assert.Equal(RuleBookChange.RuleUnsnoozed, ended.Entry!.Change);
        book.Apply(ended.Entry);
        Assert.Null(book.Active!.Snoozes);

        Assert.Equal(RuleBookRefusal.NotFound, book.Snooze("impossible-travel", "a-2", null, 4, "bob", Tx.T0.AddHours(3), null).Refusal);
        Assert.Equal(RuleBookRefusal.NotFound, book.Snooze("no-such-rule", "a-2", Until, 4, "bob", Tx.T0, null).Refusal);
        Assert.Equal(RuleBookRefusal.Invalid, book.Snooze("large-amount", "a-2", Tx.T0, 4, "bob", Tx.T0, null).Refusal);
        Assert.Equal(RuleBookRefusal.Invalid, book.Snooze("large-amount", " ", Until, 4, "bob", Tx.T0, null).Refusal);
        Assert.Equal(RuleBookRefusal.StaleVersion, book.Snooze("large-amount", "a-2", Until, 3, "bob", Tx.T0, null).Refusal);
        Assert.Equal(4, book.Version);
    }
}
