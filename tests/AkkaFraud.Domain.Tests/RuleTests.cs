using System.Collections.Immutable;
using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

internal static class Rules
{
    public static RuleSet Only(params Rule[] rules) => new() { Version = 7, Rules = [.. rules] };

    /// <summary>Scores the transactions in order against one account and returns the verdicts.</summary>
    public static IReadOnlyList<Verdict> Score(RuleSet ruleSet, params Transaction[] transactions) =>
        RuleEngine.Replay(transactions, ruleSet);
}

public sealed class Threshold_rule
{
    private static readonly ThresholdRule Large = new() { Id = "large-amount", Weight = 60, Limit = 9000 };

    [Fact]
    public void Fires_only_above_the_limit_and_says_by_how_much()
    {
        var verdicts = Rules.Score(Rules.Only(Large), Tx.Make("t-1", amount: 9000m), Tx.Make("t-2", amount: 9000.01m));

        Assert.Empty(verdicts[0].Reasons);
        var reason = Assert.Single(verdicts[1].Reasons);
        Assert.Equal(new Reason("large-amount", RuleKind.Threshold, 9000.01m, 9000m, 60, "amount 9000.01 EUR > limit 9000"), reason);
    }

    [Fact]
    public void Without_a_currency_of_its_own_the_limit_means_the_same_money_in_every_currency_the_rates_know()
    {
        var ruleSet = Rules.Only(Large) with { Rates = RuleSet.EuroRates };

        // 1,600,000 yen are about 9,120 euros: over; 1,500,000 (8,550 euros) is not, though far above 9,000 as a number.
        var verdicts = Rules.Score(ruleSet, Tx.Make("t-1", amount: 1_600_000m, currency: "JPY"), Tx.Make("t-2", secondsAfterT0: 1, amount: 1_500_000m, currency: "JPY"));
        Assert.Equal(new Reason("large-amount", RuleKind.Threshold, 9120m, 9000m, 60, "amount 1600000 JPY = 9120 EUR > limit 9000 EUR"), Assert.Single(verdicts[0].Reasons));
        Assert.Empty(verdicts[1].Reasons);

        // A currency the rates do not know is compared as it is, and the reason says so.
        var unknown = Assert.Single(Rules.Score(ruleSet, Tx.Make(amount: 9500m, currency: "ISK"))[0].Reasons);
        Assert.Equal("amount 9500 ISK > limit 9000 (the rule set has no rate for ISK: compared as EUR)", unknown.Message);

        // A rule of one currency keeps its limit in that currency.
        var yenRule = Large with { Id = "yen", Currency = "JPY" };
        Assert.NotEmpty(Rules.Score(Rules.Only(yenRule) with { Rates = RuleSet.EuroRates }, Tx.Make(amount: 9001m, currency: "JPY"))[0].Reasons);
    }

    [Fact]
    public void An_amount_above_ten_million_is_a_transaction_the_default_rules_block_with_its_own_reason()
    {
        var record = """{"transactionId":"t-big","accountId":"a-1","eventTime":"2026-11-26T08:00:00Z","amount":25000000,"currency":"EUR","type":"transfer","channel":"transfer","country":"DE"}""";
        var parsed = TransactionParser.Parse(System.Text.Encoding.UTF8.GetBytes(record), Tx.T0);
        Assert.True(parsed.IsValid, parsed.Rejection?.Detail);

        var verdict = Rules.Score(RuleSet.Default, parsed.Transaction!)[0];
        Assert.Equal(Decision.Block, verdict.Decision);
        var reason = Assert.Single(verdict.Reasons, r => r.RuleId == "amount-over-limit");
        Assert.Equal("amount 25000000 EUR > limit 10000000", reason.Message);
    }

    [Fact]
    public void Applies_only_to_its_currency_channel_and_merchant_categories()
    {
        var atmCash = Large with { Id = "atm-usd", Limit = 500, Currency = "USD", Channel = "atm", MerchantCategories = ["6011"] };
        var ruleSet = Rules.Only(atmCash);

        Assert.NotEmpty(Rules.Score(ruleSet, Tx.Make(amount: 600, currency: "USD", channel: Channel.Atm, mcc: "6011"))[0].Reasons);
        Assert.Empty(Rules.Score(ruleSet, Tx.Make(amount: 600, currency: "EUR", channel: Channel.Atm, mcc: "6011"))[0].Reasons);
        Assert.Empty(Rules.Score(ruleSet, Tx.Make(amount: 600, currency: "USD", channel: Channel.Pos, mcc: "6011"))[0].Reasons);
        Assert.Empty(Rules.Score(ruleSet, Tx.Make(amount: 600, currency: "USD", channel: Channel.Atm, mcc: "5411"))[0].Reasons);
        Assert.Empty(Rules.Score(ruleSet, Tx.Make(amount: 600, currency: "USD", channel: Channel.Atm, mcc: null))[0].Reasons);
    }
}

public sealed class Velocity_rule
{
    private static readonly VelocityRule FivePerMinute = new() { Id = "velocity", Weight = 60, WindowSeconds = 60, MaxCount = 5 };

    [Fact]
    public void Windows_sum_thousands_of_amounts_at_the_stored_maximum_without_overflow()
    {
        var velocity = new VelocityRule { Id = "sum", Weight = 10, WindowSeconds = 3600, MaxSum = 1m };
        var max = ParserLimits.Default.MaxAmount;
        var transactions = Enumerable.Range(0, 2000).Select(i => Tx.Make($"t-{i}", secondsAfterT0: i, amount: max)).ToArray();

        var last = Rules.Score(Rules.Only(velocity), transactions)[^1];
        Assert.Equal(max * 2000, Assert.Single(last.Reasons).Observed);
    }

    [Fact]
    public void Velocity_rule_counts_only_transactions_inside_the_window()
    {
        // Six transactions, but the first is exactly 60 s before the last: the window (t-60 s, t] excludes it.
        var transactions = Enumerable.Range(0, 6).Select(i => Tx.Make($"t-{i}", secondsAfterT0: i * 12)).ToArray();

        var verdicts = Rules.Score(Rules.Only(FivePerMinute), transactions);

        Assert.All(verdicts, v => Assert.Empty(v.Reasons));
    }

    [Fact]
    public void The_transaction_over_the_limit_fires_with_its_count()
    {
        var transactions = Enumerable.Range(0, 7).Select(i => Tx.Make($"t-{i}", secondsAfterT0: i * 5)).ToArray();

        var verdicts = Rules.Score(Rules.Only(FivePerMinute), transactions);

        Assert.All(verdicts.Take(5), v => Assert.Empty(v.Reasons));
        Assert.Equal("6 transactions in 60 s > limit 5", Assert.Single(verdicts[5].Reasons).Message);
        Assert.Equal(new Reason("velocity", RuleKind.Velocity, 7, 5, 60, "7 transactions in 60 s > limit 5"), Assert.Single(verdicts[6].Reasons));
    }

    [Fact]
    public void A_late_event_counts_what_happened_before_it_in_event_time_not_what_arrived_before_it()
    {
        var later = Enumerable.Range(0, 6).Select(i => Tx.Make($"t-{i}", secondsAfterT0: 100 + i)).ToArray();
        var late = Tx.Make("t-late", secondsAfterT0: 50);

        var verdicts = Rules.Score(Rules.Only(FivePerMinute), [.. later, late]);

        Assert.Empty(verdicts[^1].Reasons);
    }

    [Fact]
    public void A_sum_limit_fires_on_the_spend_in_the_window()
    {
        var spend = new VelocityRule { Id = "spend", Weight = 40, WindowSeconds = 3600, MaxSum = 1000 };

        var verdicts = Rules.Score(Rules.Only(spend), Tx.Make("t-1", amount: 600), Tx.Make("t-2", secondsAfterT0: 3599, amount: 400.01m), Tx.Make("t-3", secondsAfterT0: 3600, amount: 1));

        Assert.Empty(verdicts[0].Reasons);
        Assert.Equal("1000.01 spent in 3600 s > limit 1000", Assert.Single(verdicts[1].Reasons).Message);
        Assert.Empty(verdicts[2].Reasons);
    }

    [Fact]
    public void A_sum_limit_means_the_same_money_in_every_currency_the_rates_know()
    {
        var spend = new VelocityRule { Id = "spend", Weight = 40, WindowSeconds = 3600, MaxSum = 1000 };
        var ruleSet = Rules.Only(spend) with { Rates = RuleSet.EuroRates };

        // 100,000 + 80,000 yen are about 1,026 euros: over; 150,000 yen alone (855 euros) is not, though far above 1,000.
        var verdicts = Rules.Score(ruleSet, Tx.Make("t-1", amount: 150_000m, currency: "JPY"), Tx.Make("t-2", secondsAfterT0: 4000, amount: 100_000m, currency: "JPY"),
            Tx.Make("t-3", secondsAfterT0: 4001, amount: 80_000m, currency: "JPY"));

        Assert.Empty(verdicts[0].Reasons);
        Assert.Empty(verdicts[1].Reasons);
        Assert.Equal(new Reason("spend", RuleKind.Velocity, 1026m, 1000m, 40, "180000 JPY = 1026 EUR spent in 3600 s > limit 1000 EUR"), Assert.Single(verdicts[2].Reasons));
    }
}

public sealed class Impossible_travel_rule
{
    private static readonly ImpossibleTravelRule Travel = new() { Id = "travel", Weight = 70, MaxSpeedKmh = 900, MinDistanceKm = 100 };

    [Fact]
    public void Berlin_then_New_York_half_an_hour_later_fires_with_distance_time_and_speed()
    {
        var verdicts = Rules.Score(Rules.Only(Travel), Tx.Make("t-1", at: Tx.Berlin), Tx.Make("t-2", secondsAfterT0: 1800, at: Tx.NewYork));

        var reason = Assert.Single(verdicts[1].Reasons);
        Assert.Equal(RuleKind.ImpossibleTravel, reason.Kind);
        Assert.InRange(reason.Observed, 12_700m, 12_800m); // ~6,385 km in 0.5 h
        Assert.Equal("6385 km in 30 min = 12770 km/h > limit 900 km/h", reason.Message);
    }

    [Fact]
    public void A_plausible_flight_does_not_fire()
    {
        var verdicts = Rules.Score(Rules.Only(Travel), Tx.Make("t-1", at: Tx.Berlin), Tx.Make("t-2", secondsAfterT0: 8 * 3600, at: Tx.NewYork));

        Assert.Empty(verdicts[1].Reasons);
    }

    [Fact]
    public void Short_hops_are_ignored_however_fast()
    {
        var verdicts = Rules.Score(Rules.Only(Travel), Tx.Make("t-1", at: Tx.Berlin), Tx.Make("t-2", secondsAfterT0: 1, at: Tx.Potsdam));

        Assert.Empty(verdicts[1].Reasons);
    }

    [Fact]
    public void The_same_instant_in_two_cities_fires()
    {
        var verdicts = Rules.Score(Rules.Only(Travel), Tx.Make("t-1", at: Tx.Berlin), Tx.Make("t-2", at: Tx.Paris));

        Assert.Single(verdicts[1].Reasons);
    }

    [Fact]
    public void Transactions_without_location_neither_fire_nor_break_the_chain()
    {
        var verdicts = Rules.Score(Rules.Only(Travel),
            Tx.Make("t-1", at: Tx.Berlin), Tx.Make("t-2", secondsAfterT0: 60), Tx.Make("t-3", secondsAfterT0: 600, at: Tx.NewYork));

        Assert.Empty(verdicts[1].Reasons);
        Assert.Single(verdicts[2].Reasons);
    }

    [Fact]
    public void Geodesy_matches_known_distances()
    {
        Assert.InRange(Geo.HaversineKm(52.5200, 13.4050, 48.8566, 2.3522), 876, 880); // Berlin–Paris ≈ 878 km
        Assert.Equal(0, Geo.HaversineKm(10, 20, 10, 20));
        Assert.InRange(Geo.HaversineKm(0, 0, 0, 180), 20_015, 20_016); // half the equator
    }
}

public sealed class Card_testing_rule
{
    private static readonly CardTestingRule CardTesting = new() { Id = "card-testing", Weight = 80, WindowSeconds = 600, MinSmallCount = 3, SmallAmount = 5, LargeAmount = 200 };

    [Fact]
    public void Small_probes_then_a_large_purchase_fire_on_the_large_one()
    {
        var verdicts = Rules.Score(Rules.Only(CardTesting),
            Tx.Make("t-1", amount: 1), Tx.Make("t-2", secondsAfterT0: 30, amount: 2.5m), Tx.Make("t-3", secondsAfterT0: 60, amount: 5),
            Tx.Make("t-4", secondsAfterT0: 300, amount: 950));

        Assert.All(verdicts.Take(3), v => Assert.Empty(v.Reasons));
        Assert.Equal(new Reason("card-testing", RuleKind.CardTesting, 3, 3, 80, "3 transactions ≤ 5 in 600 s before 950 ≥ 200 (limit 3)"), Assert.Single(verdicts[3].Reasons));
    }

    [Fact]
    public void Too_few_probes_or_probes_outside_the_window_do_not_fire()
    {
        var ruleSet = Rules.Only(CardTesting);

        Assert.Empty(Rules.Score(ruleSet, Tx.Make("t-1", amount: 1), Tx.Make("t-2", amount: 1), Tx.Make("t-3", secondsAfterT0: 10, amount: 900))[2].Reasons);
        Assert.Empty(Rules.Score(ruleSet, Tx.Make("t-1", amount: 1), Tx.Make("t-2", amount: 1), Tx.Make("t-3", amount: 1), Tx.Make("t-4", secondsAfterT0: 600, amount: 900))[3].Reasons);
        Assert.Empty(Rules.Score(ruleSet, Tx.Make("t-1", amount: 1), Tx.Make("t-2", amount: 1), Tx.Make("t-3", amount: 1), Tx.Make("t-4", secondsAfterT0: 10, amount: 199))[3].Reasons);
    }
}

public sealed class Account_drain_rule
{
    private static readonly AccountDrainRule Drain = new() { Id = "account-drain", Weight = 50, MinShare = 0.9m, MinAmount = 1000 };

    private static Transaction Debit(decimal amount, decimal? before, TransactionType type = TransactionType.Transfer) =>
        Tx.Make(amount: amount) with { Type = type, BalanceBefore = before, BalanceAfter = before - amount };

    [Fact]
    public void Fires_on_a_debit_that_takes_most_of_the_balance_and_says_the_share_and_the_balance()
    {
        var reason = Assert.Single(Rules.Score(Rules.Only(Drain), Debit(9500m, 10_000m))[0].Reasons);

        Assert.Equal(new Reason("account-drain", RuleKind.AccountDrain, 0.95m, 0.9m, 50, "takes 95% of the balance 10000 EUR (limit 90%, above 1000)"), reason);
    }

    [Theory]
    [InlineData(8999, 10_000, TransactionType.Transfer)] // 89.99 %: below the share
    [InlineData(950, 1_000, TransactionType.Transfer)] // most of a small balance: not above minAmount
    [InlineData(9500, 10_000, TransactionType.Purchase)] // a purchase, not a transfer out
    [InlineData(9500, 10_000, TransactionType.Deposit)] // money in
    [InlineData(9500, -10, TransactionType.CashWithdrawal)] // an overdrawn account has no balance to drain
    public void Stays_silent_otherwise(int amount, int before, TransactionType type) =>
        Assert.Empty(Rules.Score(Rules.Only(Drain), Debit(amount, before, type))[0].Reasons);

    [Fact]
    public void Stays_silent_without_balances() =>
        Assert.Empty(Rules.Score(Rules.Only(Drain), Debit(9500m, null))[0].Reasons);
}

public sealed class Balance_mismatch_rule
{
    private static readonly BalanceMismatchRule Mismatch = new() { Id = "balance-mismatch", Weight = 30, Tolerance = 0.01m };

    [Fact]
    public void A_ledger_that_adds_up_within_the_tolerance_is_silent_for_debits_and_credits()
    {
        var debit = Tx.Make(amount: 50m) with { BalanceBefore = 200m, BalanceAfter = 150.01m };
        var deposit = Tx.Make("t-2", secondsAfterT0: 1, amount: 50m) with { Type = TransactionType.Deposit, BalanceBefore = 150m, BalanceAfter = 200m };

        Assert.All(Rules.Score(Rules.Only(Mismatch), debit, deposit), v => Assert.Empty(v.Reasons));
    }

    [Fact]
    public void A_ledger_that_does_not_add_up_is_a_reason_with_the_numbers()
    {
        var refund = Tx.Make(amount: 50m) with { Type = TransactionType.Refund, BalanceBefore = 200m, BalanceAfter = 150m };

        var reason = Assert.Single(Rules.Score(Rules.Only(Mismatch), refund)[0].Reasons);
        Assert.Equal("balance after 150 is not 200 + 50 = 250 (off by 100, tolerance 0.01)", reason.Message);
        Assert.Equal((100m, 0.01m), (reason.Observed, reason.Limit));
    }
}

public sealed class Rule_engine
{
    [Fact]
    public void Score_is_the_capped_sum_of_fired_weights_and_sets_the_decision()
    {
        var ruleSet = new RuleSet
        {
            Version = 3,
            ReviewThreshold = 50,
            BlockThreshold = 80,
            Rules =
            [
                new ThresholdRule { Id = "over-100", Weight = 30, Limit = 100 },
                new ThresholdRule { Id = "over-1000", Weight = 30, Limit = 1000 },
                new ThresholdRule { Id = "over-5000", Weight = 50, Limit = 5000 },
            ],
        };

        var verdicts = Rules.Score(ruleSet, Tx.Make("t-1", amount: 50), Tx.Make("t-2", amount: 500), Tx.Make("t-3", amount: 2000), Tx.Make("t-4", amount: 6000));

        Assert.Equal([0, 30, 60, 100], verdicts.Select(v => v.Score));
        Assert.Equal([Decision.Approve, Decision.Approve, Decision.Review, Decision.Block], verdicts.Select(v => v.Decision));
        Assert.Equal([false, false, true, true], verdicts.Select(v => v.Flagged));
        Assert.Equal(["over-100", "over-1000", "over-5000"], verdicts[3].Reasons.Select(r => r.RuleId));
        Assert.All(verdicts, v => Assert.Equal(3, v.RuleSetVersion));
    }

    [Fact]
    public void A_duplicate_transaction_id_is_recognised_and_not_counted_twice()
    {
        var velocity = new VelocityRule { Id = "velocity", Weight = 60, WindowSeconds = 60, MaxCount = 2 };
        var first = Tx.Make("t-1");

        var verdicts = Rules.Score(Rules.Only(velocity), first, first, first, Tx.Make("t-2", secondsAfterT0: 1));

        Assert.False(verdicts[0].IsDuplicate);
        Assert.True(verdicts[1].IsDuplicate);
        Assert.True(verdicts[2].IsDuplicate);
        Assert.Empty(verdicts[1].Reasons);
        Assert.Empty(verdicts[3].Reasons); // two distinct transactions in the window, not four
    }

    [Fact]
    public void Disabled_rules_never_fire()
    {
        var off = new ThresholdRule { Id = "off", Weight = 60, Limit = 1, Enabled = false };

        Assert.Empty(Rules.Score(Rules.Only(off), Tx.Make(amount: 100))[0].Reasons);
    }

    [Fact]
    public void Accounts_do_not_see_each_others_history()
    {
        var velocity = new VelocityRule { Id = "velocity", Weight = 60, WindowSeconds = 60, MaxCount = 1 };

        var verdicts = Rules.Score(Rules.Only(velocity), Tx.Make("t-1", account: "a-1"), Tx.Make("t-2", account: "a-2"), Tx.Make("t-3", account: "a-1"));

        Assert.Empty(verdicts[1].Reasons);
        Assert.Single(verdicts[2].Reasons);
    }

    [Fact]
    public void Verdicts_compare_by_value_including_reasons()
    {
        var a = Rules.Score(RuleSet.Default, Tx.Make(amount: 9500))[0];
        var b = Rules.Score(RuleSet.Default, Tx.Make(amount: 9500))[0];
        var c = Rules.Score(RuleSet.Default, Tx.Make(amount: 9600))[0];

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, a with { Reasons = ImmutableArray<Reason>.Empty });
    }
}
