using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;

namespace AkkaFraud.Domain;

public enum RuleKind
{
    Threshold,
    Velocity,
    ImpossibleTravel,
    CardTesting,
    AccountDrain,
    BalanceMismatch,
    FirstSeen,
    PassThrough,
    AmountAnomaly,
    DistinctVelocity,
    All,
    Any,
}

/// <summary>
/// A parameterised, explainable rule. A rule looks at the transaction and at the account's history <em>before</em> it
/// (in event time) and either stays silent or returns a <see cref="Reason"/> carrying the numbers that made it fire.
/// Rules are pure: same history and transaction, same answer.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ThresholdRule), "threshold")]
[JsonDerivedType(typeof(VelocityRule), "velocity")]
[JsonDerivedType(typeof(ImpossibleTravelRule), "impossible-travel")]
[JsonDerivedType(typeof(CardTestingRule), "card-testing")]
[JsonDerivedType(typeof(AccountDrainRule), "account-drain")]
[JsonDerivedType(typeof(BalanceMismatchRule), "balance-mismatch")]
[JsonDerivedType(typeof(FirstSeenRule), "first-seen")]
[JsonDerivedType(typeof(PassThroughRule), "pass-through")]
[JsonDerivedType(typeof(AmountAnomalyRule), "amount-anomaly")]
[JsonDerivedType(typeof(DistinctVelocityRule), "distinct-velocity")]
[JsonDerivedType(typeof(AllRule), "all")]
[JsonDerivedType(typeof(AnyRule), "any")]
public abstract record Rule
{
    public required string Id { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Added to the score when the rule fires; negative for an allow rule, which lowers the score (the total is kept
    /// within 0..100). A condition inside <c>all</c> or <c>any</c> has its weight ignored.
    /// </summary>
    public required int Weight { get; init; }

    [JsonIgnore]
    public abstract RuleKind Kind { get; }

    /// <summary>How much event-time history the rule needs behind a transaction.</summary>
    [JsonIgnore]
    public virtual TimeSpan Lookback => TimeSpan.Zero;

    public abstract Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet);

    /// <summary>Problems with the parameters, for people; empty when the rule is usable.</summary>
    public virtual IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Id))
        {
            yield return "a rule has no id";
        }

        if (Weight is < -100 or > 100)
        {
            yield return $"rule '{Id}': weight {Weight} is outside -100..100";
        }
    }

    protected Reason Fire(decimal observed, decimal limit, string message) => new(Id, Kind, observed, limit, Weight, message);

    protected static string Num(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    protected static string Percent(decimal share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    protected static string Seconds(TimeSpan window) => window.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s";
}

/// <summary>
/// Amount above a limit, optionally only for one currency, channel, set of transaction types or of merchant categories. Without a currency
/// of its own the limit is in the rule set's currency, and an amount in another is converted with the rule set's
/// rates first: 9,000 means the same money in euros, pounds and yen.
/// </summary>
public sealed record ThresholdRule : Rule
{
    public required decimal Limit { get; init; }
    public string? Currency { get; init; }

    /// <summary>Wire name of a channel (pos, ecom, atm, transfer).</summary>
    public string? Channel { get; init; }

    public IReadOnlyList<string>? MerchantCategories { get; init; }

    /// <summary>Wire names of the transaction types it applies to (purchase, transfer, …); all when left out.</summary>
    public IReadOnlyList<string>? Types { get; init; }

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.Threshold;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if ((Currency is not null && Currency != transaction.Currency)
            || (Channel is not null && Channel != WireNames.Channel(transaction.Channel))
            || (Types is { Count: > 0 } types && !types.Contains(WireNames.Type(transaction.Type)))
            || (MerchantCategories is { Count: > 0 } categories && !categories.Contains(transaction.MerchantCategory ?? "")))
        {
            return null;
        }

        var amount = transaction.Amount;
        if (Currency is not null || transaction.Currency == ruleSet.Currency)
        {
            return amount <= Limit ? null : Fire(amount, Limit, $"amount {Num(amount)} {transaction.Currency} > limit {Num(Limit)}");
        }

        if (ruleSet.InRuleCurrency(transaction) is not { } converted)
        {
            return amount <= Limit
                ? null
                : Fire(amount, Limit, $"amount {Num(amount)} {transaction.Currency} > limit {Num(Limit)} (the rule set has no rate for {transaction.Currency}: compared as {ruleSet.Currency})");
        }

        return converted <= Limit
            ? null
            : Fire(Math.Round(converted, 4), Limit, $"amount {Num(amount)} {transaction.Currency} = {Num(converted)} {ruleSet.Currency} > limit {Num(Limit)} {ruleSet.Currency}");
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (Limit < 0)
        {
            yield return $"rule '{Id}': limit must not be negative";
        }

        if (Channel is not null && WireNames.ParseChannel(Channel) is null)
        {
            yield return $"rule '{Id}': channel '{Channel}' is not one of pos, ecom, atm, transfer";
        }

        foreach (var type in (Types ?? []).Where(t => WireNames.ParseType(t) is null))
        {
            yield return $"rule '{Id}': type '{type}' is not one of purchase, transfer, cash-withdrawal, refund, payment, deposit";
        }

        if (Currency is not null && !Currencies.IsKnown(Currency))
        {
            yield return $"rule '{Id}': currency '{Currency}' is not an ISO 4217 code";
        }
    }
}

/// <summary>
/// Count and/or sum of the account's transactions in the sliding event-time window (t − window, t], the current one
/// included, above a limit. Either limit may be left out; at least one is required. The sum limit is in the rule
/// set's currency: the window's sum is converted at the rate of the current transaction's currency.
/// </summary>
public sealed record VelocityRule : Rule
{
    [JsonPropertyName("windowSeconds")]
    public required int WindowSeconds { get; init; }

    public int? MaxCount { get; init; }
    public decimal? MaxSum { get; init; }

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.Velocity;

    [JsonIgnore]
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    [JsonIgnore]
    public override TimeSpan Lookback => Window;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        var (count, sum) = history.CountAndSum(transaction.EventTimeMs - (long)Window.TotalMilliseconds, transaction.EventTimeMs);
        count += 1;
        sum += transaction.Amount;
        if (MaxCount is { } maxCount && count > maxCount)
        {
            return Fire(count, maxCount, $"{count} transactions in {Seconds(Window)} > limit {maxCount}");
        }

        if (MaxSum is { } maxSum)
        {
            // The window holds the account's own amounts, in its currency (the current transaction's): one rate
            // converts the sum into the rule set's currency, as for a threshold.
            if (transaction.Currency == ruleSet.Currency || ruleSet.RateOf(transaction.Currency) is not (> 0 and var rate))
            {
                if (sum > maxSum)
                {
                    return Fire(sum, maxSum, $"{Num(sum)} spent in {Seconds(Window)} > limit {Num(maxSum)}");
                }
            }
            else if (sum * rate is var converted && converted > maxSum)
            {
                return Fire(Math.Round(converted, 4), maxSum,
                    $"{Num(sum)} {transaction.Currency} = {Num(converted)} {ruleSet.Currency} spent in {Seconds(Window)} > limit {Num(maxSum)} {ruleSet.Currency}");
            }
        }

        return null;
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (WindowSeconds <= 0)
        {
            yield return $"rule '{Id}': windowSeconds must be positive";
        }

        if (MaxCount is null && MaxSum is null)
        {
            yield return $"rule '{Id}': needs maxCount or maxSum";
        }
    }
}

/// <summary>
/// Two geo-located transactions whose distance over their event-time gap implies travel faster than a limit
/// (great-circle distance). Hops shorter than <see cref="MinDistanceKm"/> are ignored: positions are approximate.
/// </summary>
public sealed record ImpossibleTravelRule : Rule
{
    public decimal MaxSpeedKmh { get; init; } = 900;
    public decimal MinDistanceKm { get; init; } = 100;

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.ImpossibleTravel;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if (!transaction.HasLocation || history.PreviousLocation(transaction.EventTimeMs) is not { } previous)
        {
            return null;
        }

        var km = Geo.HaversineKm(previous.Latitude, previous.Longitude, transaction.Latitude!.Value, transaction.Longitude!.Value);
        if (km < (double)MinDistanceKm)
        {
            return null;
        }

        // A zero gap counts as one second: the same instant in two far-apart places is the extreme case, not an error.
        var seconds = Math.Max(1, (transaction.EventTimeMs - previous.EventTimeMs) / 1000.0);
        var kmh = km / (seconds / 3600.0);
        if (kmh <= (double)MaxSpeedKmh)
        {
            return null;
        }

        var observed = kmh >= 1e12 ? 1e12m : Math.Round((decimal)kmh, 1);
        var minutes = (decimal)Math.Round(seconds / 60.0, 1);
        return Fire(observed, MaxSpeedKmh, $"{Num(Math.Round((decimal)km, 0))} km in {Num(minutes)} min = {Num(Math.Round(observed, 0))} km/h > limit {Num(MaxSpeedKmh)} km/h");
    }

    public override IEnumerable<string> Problems() =>
        base.Problems().Concat(MaxSpeedKmh <= 0 ? [$"rule '{Id}': maxSpeedKmh must be positive"] : []);
}

/// <summary>
/// "Small then large": at least <see cref="MinSmallCount"/> transactions of at most <see cref="SmallAmount"/> in the
/// event-time window before a transaction of at least <see cref="LargeAmount"/>: a stolen card being tested, then used.
/// </summary>
public sealed record CardTestingRule : Rule
{
    [JsonPropertyName("windowSeconds")]
    public required int WindowSeconds { get; init; }

    public required int MinSmallCount { get; init; }
    public required decimal SmallAmount { get; init; }
    public required decimal LargeAmount { get; init; }

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.CardTesting;

    [JsonIgnore]
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    [JsonIgnore]
    public override TimeSpan Lookback => Window;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if (transaction.Amount < LargeAmount)
        {
            return null;
        }

        var small = history.CountAtMost(transaction.EventTimeMs - (long)Window.TotalMilliseconds, transaction.EventTimeMs, SmallAmount);
        return small < MinSmallCount
            ? null
            : Fire(small, MinSmallCount, $"{small} transactions ≤ {Num(SmallAmount)} in {Seconds(Window)} before {Num(transaction.Amount)} ≥ {Num(LargeAmount)} (limit {MinSmallCount})");
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (WindowSeconds <= 0 || MinSmallCount <= 0 || SmallAmount <= 0 || LargeAmount <= SmallAmount)
        {
            yield return $"rule '{Id}': needs windowSeconds > 0, minSmallCount > 0 and 0 < smallAmount < largeAmount";
        }
    }
}

/// <summary>
/// Account takeover's last step: a transfer, cash withdrawal or payment that takes at least <see cref="MinShare"/> of
/// the balance before it, above <see cref="MinAmount"/>. Needs the producer's balances; silent without them.
/// </summary>
public sealed record AccountDrainRule : Rule
{
    public decimal MinShare { get; init; } = 0.9m;
    public decimal MinAmount { get; init; } = 1000;

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.AccountDrain;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if (!transaction.MovesMoneyOut
            || transaction.BalanceBefore is not { } before || before <= 0 || transaction.Amount <= MinAmount)
        {
            return null;
        }

        var share = transaction.Amount / before;
        return share < MinShare
            ? null
            : Fire(Math.Round(share, 4), MinShare,
                $"takes {Percent(share)} of the balance {Num(before)} {transaction.Currency} (limit {Percent(MinShare)}, above {Num(MinAmount)})");
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (MinShare is <= 0 or > 1 || MinAmount < 0)
        {
            yield return $"rule '{Id}': needs 0 < minShare <= 1 and minAmount >= 0";
        }
    }

}

/// <summary>
/// The producer's balances disagree with the amount: after should be before minus a debit, or plus a deposit or
/// refund, within <see cref="Tolerance"/>. A ledger that does not add up is a reason to look, not a reason to refuse.
/// </summary>
public sealed record BalanceMismatchRule : Rule
{
    public decimal Tolerance { get; init; } = 0.01m;

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.BalanceMismatch;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if (transaction.BalanceBefore is not { } before || transaction.BalanceAfter is not { } after)
        {
            return null;
        }

        var expected = transaction.IsCredit ? before + transaction.Amount : before - transaction.Amount;
        var off = Math.Abs(after - expected);
        return off <= Tolerance
            ? null
            : Fire(off, Tolerance,
                $"balance after {Num(after)} is not {Num(before)} {(transaction.IsCredit ? "+" : "−")} {Num(transaction.Amount)} = {Num(expected)} (off by {Num(off)}, tolerance {Num(Tolerance)})");
    }

    public override IEnumerable<string> Problems() =>
        base.Problems().Concat(Tolerance < 0 ? [$"rule '{Id}': tolerance must not be negative"] : []);
}

/// <summary>
/// A payment (not a credit) to a counterparty, merchant, device or country the account has not used within
/// <see cref="HorizonDays"/>, for more than <see cref="MinAmount"/>, on an account with at least <see cref="MinHistory"/> transactions (on a new one
/// everything is new). Memory is bounded (<see cref="AccountState.MaxSeen"/> values per account, least recently used
/// forgotten first): a value forgotten that way reads as new again, the rule's documented error.
/// </summary>
public sealed record FirstSeenRule : Rule
{
    /// <summary>counterparty, merchant, device or country.</summary>
    public required string Dimension { get; init; }

    public int HorizonDays { get; init; } = 90;
    public decimal MinAmount { get; init; }
    public int MinHistory { get; init; } = 5;

    /// <summary>
    /// A cooling-off period: a value stays new for this long after the account first used it (0: only its first use
    /// is new), if the account had been seen for at least as long before that. An attacker's second and third
    /// transfer to the payee just added are as suspect as the first.
    /// </summary>
    public int NewForHours { get; init; }

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.FirstSeen;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        // Money coming in from someone new is not the account paying someone new.
        if (transaction.IsCredit || RuleDimensions.Parse(Dimension) is not { } dimension || RuleDimensions.ValueOf(transaction, dimension) is not { } value
            || transaction.Amount <= MinAmount || history.TransactionCount < MinHistory)
        {
            return null;
        }

        var horizonMs = HorizonDays * 86_400_000L;
        if (history.LastSeen(dimension, value) is not { } last || last < transaction.EventTimeMs - horizonMs)
        {
            return Fire(transaction.Amount, MinAmount,
                $"{Dimension} {value} is new to the account (not used in {HorizonDays} days) for {Num(transaction.Amount)} {transaction.Currency} > {Num(MinAmount)}");
        }

        // Cooling off only once the account was known for that long before the value appeared: on an account that
        // is new to us (or to the data) every payee and device is new, and that says nothing.
        var coolingOffMs = NewForHours * 3_600_000L;
        if (NewForHours > 0 && history.FirstSeen(dimension, value) is { } first && first >= transaction.EventTimeMs - coolingOffMs
            && first - history.FirstEventTimeMs >= coolingOffMs)
        {
            var hours = Math.Round((transaction.EventTimeMs - first) / 3_600_000m, 1);
            return Fire(transaction.Amount, MinAmount,
                $"{Dimension} {value} was first used {Num(hours)} h ago (new for {NewForHours} h) for {Num(transaction.Amount)} {transaction.Currency} > {Num(MinAmount)}");
        }

        return null;
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (RuleDimensions.Parse(Dimension) is null)
        {
            yield return $"rule '{Id}': dimension '{Dimension}' is not one of {RuleDimensions.Names}";
        }

        if (HorizonDays <= 0 || MinAmount < 0 || MinHistory < 0 || NewForHours < 0)
        {
            yield return $"rule '{Id}': needs horizonDays > 0, minAmount >= 0, minHistory >= 0 and newForHours >= 0";
        }
    }
}

/// <summary>
/// Mule behaviour: money in (deposits, refunds) of more than <see cref="MinAmount"/> within the event-time window, and
/// money out (transfers, cash, payments, this one included) since the first of those credits of at least
/// <see cref="MinShare"/> of it. Fires on the money-out transaction that reaches the share.
/// </summary>
public sealed record PassThroughRule : Rule
{
    [JsonPropertyName("windowSeconds")]
    public required int WindowSeconds { get; init; }

    public decimal MinShare { get; init; } = 0.8m;
    public decimal MinAmount { get; init; } = 500;

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.PassThrough;

    [JsonIgnore]
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    [JsonIgnore]
    public override TimeSpan Lookback => Window;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if (!transaction.MovesMoneyOut)
        {
            return null;
        }

        var (moneyIn, moneyOut) = history.InAndOut(transaction.EventTimeMs - (long)Window.TotalMilliseconds, transaction.EventTimeMs);
        if (moneyIn <= MinAmount)
        {
            return null;
        }

        moneyOut += transaction.Amount;
        var share = moneyOut / moneyIn;
        return share < MinShare
            ? null
            : Fire(Math.Round(share, 4), MinShare,
                $"received {Num(moneyIn)} and sent on {Num(moneyOut)} {transaction.Currency} ({Percent(share)}) within {Seconds(Window)} (limit {Percent(MinShare)})");
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (WindowSeconds <= 0 || MinShare <= 0 || MinAmount < 0)
        {
            yield return $"rule '{Id}': needs windowSeconds > 0, minShare > 0 and minAmount >= 0";
        }
    }
}

/// <summary>
/// A payment far above the account's own habit: the z-score of its log amount against the account's spending profile
/// (<see cref="AccountState.Profile"/>, an EWMA in event time, half-life <see cref="AccountState.ProfileHalfLife"/>)
/// above <see cref="MaxZ"/>, once the profile holds <see cref="MinHistory"/> payments. The deviation is at least
/// <see cref="MinDeviation"/> (in log units): an account that always pays the same is not alarmed by a cent more.
/// </summary>
public sealed record AmountAnomalyRule : Rule
{
    public decimal MaxZ { get; init; } = 4;
    public int MinHistory { get; init; } = 20;
    public decimal MinAmount { get; init; } = 100;
    public decimal MinDeviation { get; init; } = 0.25m;

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.AmountAnomaly;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        var profile = history.Profile;
        if (transaction.IsCredit || transaction.Amount <= MinAmount || profile.Count < MinHistory)
        {
            return null;
        }

        var deviation = Math.Max(profile.StandardDeviationLog, (double)MinDeviation);
        var z = (Math.Log((double)transaction.Amount) - profile.MeanLog) / deviation;
        if (z <= (double)MaxZ)
        {
            return null;
        }

        var observed = Math.Round((decimal)Math.Min(z, 1e9), 2);
        var usual = Math.Round((decimal)Math.Min(Math.Exp(profile.MeanLog), 1e15), 2);
        return Fire(observed, MaxZ,
            $"amount {Num(transaction.Amount)} is {Num(observed)} σ above the account's usual {Num(usual)} (limit {Num(MaxZ)} σ, {profile.Count} payments of history)");
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (MaxZ <= 0 || MinHistory < 2 || MinAmount < 0 || MinDeviation <= 0)
        {
            yield return $"rule '{Id}': needs maxZ > 0, minHistory >= 2, minAmount >= 0 and minDeviation > 0";
        }
    }
}

/// <summary>More than <see cref="MaxDistinct"/> distinct merchants, countries, devices or counterparties in the event-time window, this one included.</summary>
public sealed record DistinctVelocityRule : Rule
{
    /// <summary>counterparty, merchant, device or country.</summary>
    public required string Dimension { get; init; }

    [JsonPropertyName("windowSeconds")]
    public required int WindowSeconds { get; init; }

    public required int MaxDistinct { get; init; }

    [JsonIgnore]
    public override RuleKind Kind => RuleKind.DistinctVelocity;

    [JsonIgnore]
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

    [JsonIgnore]
    public override TimeSpan Lookback => Window;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if (RuleDimensions.Parse(Dimension) is not { } dimension || RuleDimensions.ValueOf(transaction, dimension) is not { } value)
        {
            return null;
        }

        var distinct = history.DistinctIn(dimension, transaction.EventTimeMs - (long)Window.TotalMilliseconds, transaction.EventTimeMs, value);
        return distinct <= MaxDistinct
            ? null
            : Fire(distinct, MaxDistinct, $"{distinct} distinct {Dimension} values in {Seconds(Window)} > limit {MaxDistinct}");
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (RuleDimensions.Parse(Dimension) is null)
        {
            yield return $"rule '{Id}': dimension '{Dimension}' is not one of {RuleDimensions.Names}";
        }

        if (WindowSeconds <= 0 || MaxDistinct < 1)
        {
            yield return $"rule '{Id}': needs windowSeconds > 0 and maxDistinct >= 1";
        }
    }
}

/// <summary>
/// <c>all</c> and <c>any</c>: conditions (rules of any type, their weights ignored) combined into one rule with one
/// weight and one reason that gives every condition's numbers. With a negative weight, an allow rule.
/// </summary>
public abstract record CompositeRule : Rule
{
    public required ImmutableArray<Rule> Conditions { get; init; }

    [JsonIgnore]
    public override TimeSpan Lookback =>
        Conditions.IsDefaultOrEmpty ? TimeSpan.Zero : Conditions.Max(c => c.Lookback);

    protected abstract bool RequiresAll { get; }

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        List<Reason>? met = null;
        foreach (var condition in Conditions)
        {
            if (condition.Evaluate(transaction, history, ruleSet) is { } reason)
            {
                (met ??= []).Add(reason);
            }
            else if (RequiresAll)
            {
                return null;
            }
        }

        return met is null
            ? null
            : Fire(met.Count, RequiresAll ? Conditions.Length : 1, string.Join(RequiresAll ? " and " : "; ", met.Select(r => $"{r.RuleId}: {r.Message}")));
    }

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in base.Problems())
        {
            yield return problem;
        }

        if (Conditions.IsDefaultOrEmpty)
        {
            yield return $"rule '{Id}': needs at least one condition";
            yield break;
        }

        foreach (var problem in Conditions.SelectMany(c => c.Problems()))
        {
            yield return $"rule '{Id}': {problem}";
        }

        // A condition is part of its composite: switching one off alone would silently change what the composite means.
        foreach (var disabled in Conditions.Where(c => !c.Enabled))
        {
            yield return $"rule '{Id}': condition '{disabled.Id}' is disabled; remove it, or disable '{Id}' itself";
        }
    }
}

/// <summary>Fires when every condition fires.</summary>
public sealed record AllRule : CompositeRule
{
    [JsonIgnore]
    public override RuleKind Kind => RuleKind.All;

    protected override bool RequiresAll => true;
}

/// <summary>Fires when at least one condition fires.</summary>
public sealed record AnyRule : CompositeRule
{
    [JsonIgnore]
    public override RuleKind Kind => RuleKind.Any;

    protected override bool RequiresAll => false;
}

/// <summary>The wire names of <see cref="Domain.Dimension"/> and where each is in a transaction.</summary>
public static class RuleDimensions
{
    public const string Names = "counterparty, merchant, device, country";

    public static Dimension? Parse(string? name) => name switch
    {
        "counterparty" => Domain.Dimension.Counterparty,
        "merchant" => Domain.Dimension.Merchant,
        "device" => Domain.Dimension.Device,
        "country" => Domain.Dimension.Country,
        _ => null,
    };

    public static string? ValueOf(Transaction transaction, Dimension dimension) => dimension switch
    {
        Domain.Dimension.Counterparty => transaction.CounterpartyId,
        Domain.Dimension.Merchant => transaction.MerchantId,
        Domain.Dimension.Device => transaction.DeviceId,
        _ => transaction.Country,
    };
}

public static class Geo
{
    private const double EarthRadiusKm = 6371.0088;

    /// <summary>Great-circle distance between two points in kilometres.</summary>
    public static double HaversineKm(double lat1, double lon1, double lat2, double lon2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180.0;
        var dLat = Radians(lat2 - lat1);
        var dLon = Radians(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
                + Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
