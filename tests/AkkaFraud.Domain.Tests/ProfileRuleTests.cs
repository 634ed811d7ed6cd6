using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

public sealed class First_seen_rule
{
    private static readonly FirstSeenRule NewPayee = new() { Id = "new-payee", Weight = 30, Dimension = "counterparty", HorizonDays = 30, MinAmount = 500, MinHistory = 2 };

    private static Transaction Pay(string id, double days, decimal amount, string payee) =>
        Tx.Make(id, secondsAfterT0: days * 86_400, amount: amount, type: TransactionType.Transfer, counterparty: payee);

    [Fact]
    public void Fires_for_a_payee_the_account_has_not_paid_within_the_horizon_and_says_so()
    {
        var verdicts = Rules.Score(Rules.Only(NewPayee),
            Pay("t-1", 0, 100, "landlord"), Pay("t-2", 1, 100, "grocer"), Pay("t-3", 2, 900, "landlord"), Pay("t-4", 3, 900, "stranger"));

        Assert.Empty(verdicts[2].Reasons);
        Assert.Equal(new Reason("new-payee", RuleKind.FirstSeen, 900m, 500m, 30, "counterparty stranger is new to the account (not used in 30 days) for 900 EUR > 500"),
            Assert.Single(verdicts[3].Reasons));
    }

    [Fact]
    public void A_payee_last_paid_before_the_horizon_is_new_again()
    {
        var verdicts = Rules.Score(Rules.Only(NewPayee), Pay("t-1", 0, 100, "old"), Pay("t-2", 1, 100, "x"), Pay("t-3", 31.1, 900, "old"));

        Assert.Single(verdicts[2].Reasons);
    }

    [Fact]
    public void With_a_cooling_off_period_a_payee_stays_new_for_that_long_after_its_first_use()
    {
        var coolingOff = NewPayee with { NewForHours = 24 };
        var verdicts = Rules.Score(Rules.Only(coolingOff),
            Pay("t-1", 0, 100, "a"), Pay("t-2", 1, 100, "b"), Pay("t-3", 2, 900, "mule"), Pay("t-4", 2.5, 900, "mule"), Pay("t-5", 3.01, 900, "mule"));

        Assert.Equal("counterparty mule is new to the account (not used in 30 days) for 900 EUR > 500", Assert.Single(verdicts[2].Reasons).Message);
        Assert.Equal("counterparty mule was first used 12 h ago (new for 24 h) for 900 EUR > 500", Assert.Single(verdicts[3].Reasons).Message);
        Assert.Empty(verdicts[4].Reasons);
    }

    [Fact]
    public void Stays_silent_below_the_amount_on_a_young_account_and_without_a_payee()
    {
        Assert.Empty(Rules.Score(Rules.Only(NewPayee), Pay("t-1", 0, 100, "a"), Pay("t-2", 1, 100, "b"), Pay("t-3", 2, 500, "c"))[2].Reasons);
        Assert.Empty(Rules.Score(Rules.Only(NewPayee), Pay("t-1", 0, 100, "a"), Pay("t-2", 1, 900, "b"))[1].Reasons);
        Assert.Empty(Rules.Score(Rules.Only(NewPayee), Pay("t-1", 0, 100, "a"), Pay("t-2", 1, 100, "b"), Tx.Make("t-3", secondsAfterT0: 3 * 86_400, amount: 900))[2].Reasons);
    }
}

public sealed class Pass_through_rule
{
    private static readonly PassThroughRule Mule = new() { Id = "pass-through", Weight = 60, WindowSeconds = 3600, MinShare = 0.8m, MinAmount = 500 };

    private static Transaction In(string id, double minutes, decimal amount) => Tx.Make(id, secondsAfterT0: minutes * 60, amount: amount, type: TransactionType.Deposit);

    private static Transaction Out(string id, double minutes, decimal amount, TransactionType type = TransactionType.Transfer) =>
        Tx.Make(id, secondsAfterT0: minutes * 60, amount: amount, type: type);

    [Fact]
    public void Fires_on_the_money_out_that_passes_most_of_a_deposit_on_within_the_window()
    {
        var verdicts = Rules.Score(Rules.Only(Mule), In("t-1", 0, 5000), Out("t-2", 10, 2000), Out("t-3", 20, 2100, TransactionType.CashWithdrawal));

        Assert.Empty(verdicts[1].Reasons);
        Assert.Equal(new Reason("pass-through", RuleKind.PassThrough, 0.82m, 0.8m, 60, "received 5000 and sent on 4100 EUR (82%) within 3600 s (limit 80%)"),
            Assert.Single(verdicts[2].Reasons));
    }

    [Fact]
    public void Money_that_left_before_the_deposit_or_after_the_window_does_not_count()
    {
        Assert.Empty(Rules.Score(Rules.Only(Mule), Out("t-0", -5, 3000), In("t-1", 0, 5000), Out("t-2", 10, 1500))[2].Reasons);
        Assert.Empty(Rules.Score(Rules.Only(Mule), In("t-1", 0, 5000), Out("t-2", 61, 4900))[1].Reasons);
    }

    [Fact]
    public void Purchases_small_deposits_and_credits_themselves_are_not_pass_through()
    {
        Assert.Empty(Rules.Score(Rules.Only(Mule), In("t-1", 0, 5000), Out("t-2", 5, 4900, TransactionType.Purchase))[1].Reasons);
        Assert.Empty(Rules.Score(Rules.Only(Mule), In("t-1", 0, 400), Out("t-2", 5, 400))[1].Reasons);
        Assert.Empty(Rules.Score(Rules.Only(Mule), In("t-1", 0, 5000), In("t-2", 5, 5000))[1].Reasons);
    }
}

public sealed class Amount_anomaly_rule
{
    private static readonly AmountAnomalyRule Unusual = new() { Id = "amount-anomaly", Weight = 40, MaxZ = 4, MinHistory = 10, MinAmount = 100, MinDeviation = 0.25m };

    /// <summary>Twenty payments of 40–60 a day apart, then <paramref name="last"/>.</summary>
    private static Verdict AfterHabit(decimal last, TransactionType type = TransactionType.Payment, int history = 20)
    {
        var transactions = Enumerable.Range(0, history)
            .Select(i => Tx.Make($"t-{i}", secondsAfterT0: i * 86_400, amount: 40 + (i % 5 * 5), type: TransactionType.Payment))
            .Append(Tx.Make("t-last", secondsAfterT0: history * 86_400, amount: last, type: type))
            .ToArray();
        return Rules.Score(Rules.Only(Unusual), transactions)[^1];
    }

    [Fact]
    public void Fires_far_above_the_accounts_habit_and_gives_the_z_score()
    {
        var reason = Assert.Single(AfterHabit(2400).Reasons);

        Assert.Equal(RuleKind.AmountAnomaly, reason.Kind);
        Assert.InRange(reason.Observed, 4.01m, 100m);
        Assert.Matches(@"^amount 2400 is [0-9.]+ σ above the account's usual 4[0-9.]+ \(limit 4 σ, 20 payments of history\)$", reason.Message);
    }

    [Fact]
    public void Stays_silent_near_the_habit_on_a_short_history_for_small_amounts_and_for_deposits()
    {
        Assert.Empty(AfterHabit(120).Reasons);
        Assert.Empty(AfterHabit(2400, history: 9).Reasons);
        Assert.Empty(AfterHabit(2400, TransactionType.Deposit).Reasons);
        Assert.Empty(new[] { AfterHabit(99) }.SelectMany(v => v.Reasons));
    }
}

public sealed class Distinct_velocity_rule
{
    private static readonly DistinctVelocityRule Countries = new() { Id = "many-countries", Weight = 50, Dimension = "country", WindowSeconds = 3600, MaxDistinct = 2 };

    [Fact]
    public void Fires_past_the_limit_of_distinct_values_in_the_window_counting_the_current_one()
    {
        var verdicts = Rules.Score(Rules.Only(Countries),
            Tx.Make("t-1", country: "DE"), Tx.Make("t-2", secondsAfterT0: 60, country: "FR"), Tx.Make("t-3", secondsAfterT0: 120, country: "DE"),
            Tx.Make("t-4", secondsAfterT0: 180, country: "ES"), Tx.Make("t-5", secondsAfterT0: 3660, country: "IT"));

        Assert.All(verdicts.Take(3), v => Assert.Empty(v.Reasons));
        Assert.Equal(new Reason("many-countries", RuleKind.DistinctVelocity, 3m, 2m, 50, "3 distinct country values in 3600 s > limit 2"), Assert.Single(verdicts[3].Reasons));
        Assert.Single(verdicts[4].Reasons); // at 3660 s the window (60 s, 3660 s] holds DE, ES and IT: FR has left it
    }
}

public sealed class Composite_and_allow_rules
{
    private static readonly ThresholdRule Large = new() { Id = "large", Weight = 0, Limit = 1000 };
    private static readonly FirstSeenRule NewPayee = new() { Id = "new-payee", Weight = 0, Dimension = "counterparty", MinHistory = 1 };

    private static Transaction Pay(string id, double minutes, decimal amount, string payee) =>
        Tx.Make(id, secondsAfterT0: minutes * 60, amount: amount, type: TransactionType.Transfer, counterparty: payee);

    [Fact]
    public void All_fires_only_when_every_condition_does_with_one_weight_and_every_conditions_numbers()
    {
        var rule = new AllRule { Id = "large-to-new-payee", Weight = 70, Conditions = [Large, NewPayee] };
        var verdicts = Rules.Score(Rules.Only(rule), Pay("t-1", 0, 10, "landlord"), Pay("t-2", 1, 5000, "landlord"), Pay("t-3", 2, 50, "x"), Pay("t-4", 3, 5000, "y"));

        Assert.All(verdicts.Take(3), v => Assert.Empty(v.Reasons));
        var reason = Assert.Single(verdicts[3].Reasons);
        Assert.Equal(new Reason("large-to-new-payee", RuleKind.All, 2m, 2m, 70,
            "large: amount 5000 EUR > limit 1000 and new-payee: counterparty y is new to the account (not used in 90 days) for 5000 EUR > 0"), reason);
        Assert.Equal(70, verdicts[3].Score);
    }

    [Fact]
    public void Any_fires_when_one_condition_does()
    {
        var rule = new AnyRule { Id = "large-or-new", Weight = 20, Conditions = [Large, NewPayee] };
        var verdicts = Rules.Score(Rules.Only(rule), Pay("t-1", 0, 10, "landlord"), Pay("t-2", 1, 5000, "landlord"), Pay("t-3", 2, 10, "landlord"));

        Assert.Equal("large: amount 5000 EUR > limit 1000", Assert.Single(verdicts[1].Reasons).Message);
        Assert.Empty(verdicts[2].Reasons);
    }

    [Fact]
    public void An_allow_rule_lowers_the_score_and_the_total_never_goes_below_zero()
    {
        var large = new ThresholdRule { Id = "large", Weight = 60, Limit = 1000 };
        var utilityBill = new AnyRule
        {
            Id = "utility-bill",
            Weight = -40,
            Conditions = [new ThresholdRule { Id = "utility", Weight = 0, Limit = 0, MerchantCategories = ["4900"] }],
        };
        var ruleSet = Rules.Only(large, utilityBill);

        var bill = Rules.Score(ruleSet, Tx.Make(amount: 5000, mcc: "4900"))[0];
        Assert.Equal(20, bill.Score);
        Assert.Equal(Decision.Approve, bill.Decision);
        Assert.Equal([60, -40], bill.Reasons.Select(r => r.Weight));
        Assert.Equal(60, Rules.Score(ruleSet, Tx.Make(amount: 5000, mcc: "5411"))[0].Score);
        var small = Rules.Score(ruleSet, Tx.Make(amount: 10, mcc: "4900"))[0];
        Assert.Equal(0, small.Score);
        Assert.Equal(-40, Assert.Single(small.Reasons).Weight);
    }

    [Fact]
    public void Composites_round_trip_through_json_and_their_conditions_are_validated()
    {
        var ruleSet = Rules.Only(new AllRule { Id = "both", Weight = 50, Conditions = [Large, NewPayee] }, new AnyRule { Id = "allow", Weight = -20, Conditions = [Large] });

        Assert.Equal(ruleSet, RuleSet.FromJson(ruleSet.ToJson()));
        var broken = Rules.Only(new AllRule { Id = "both", Weight = 50, Conditions = [NewPayee with { Dimension = "planet" }] });
        Assert.Contains("rule 'both': rule 'new-payee': dimension 'planet' is not one of counterparty, merchant, device, country", broken.Problems());
        Assert.Contains("rule 'empty': needs at least one condition", Rules.Only(new AnyRule { Id = "empty", Weight = 5, Conditions = [] }).Problems());
        Assert.Contains("rule 'both': condition 'new-payee' is disabled; remove it, or disable 'both' itself",
            Rules.Only(new AllRule { Id = "both", Weight = 50, Conditions = [NewPayee with { Enabled = false }, Large] }).Problems());
        Assert.Contains("rule 'w': weight -101 is outside -100..100", Rules.Only(Large with { Id = "w", Weight = -101 }).Problems());
    }
}
