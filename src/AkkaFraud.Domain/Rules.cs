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
public abstract record Rule
{
    public required string Id { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>Added to the score when the rule fires.</summary>
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

        if (Weight is < 0 or > 100)
        {
            yield return $"rule '{Id}': weight {Weight} is outside 0..100";
        }
    }

    protected Reason Fire(decimal observed, decimal limit, string message) => new(Id, Kind, observed, limit, Weight, message);

    protected static string Num(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    protected static string Seconds(TimeSpan window) => window.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s";
}

/// <summary>
/// Amount above a limit, optionally only for one currency, channel or set of merchant categories. Without a currency
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

    public override RuleKind Kind => RuleKind.Threshold;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if ((Currency is not null && Currency != transaction.Currency)
            || (Channel is not null && Channel != WireNames.Channel(transaction.Channel))
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

        if (Currency is not null && !Currencies.IsKnown(Currency))
        {
            yield return $"rule '{Id}': currency '{Currency}' is not an ISO 4217 code";
        }
    }
}

/// <summary>
/// Count and/or sum of the account's transactions in the sliding event-time window (t − window, t], the current one
/// included, above a limit. Either limit may be left out; at least one is required.
/// </summary>
public sealed record VelocityRule : Rule
{
    [JsonPropertyName("windowSeconds")]
    public required int WindowSeconds { get; init; }

    public int? MaxCount { get; init; }
    public decimal? MaxSum { get; init; }

    public override RuleKind Kind => RuleKind.Velocity;

    [JsonIgnore]
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

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

        if (MaxSum is { } maxSum && sum > maxSum)
        {
            return Fire(sum, maxSum, $"{Num(sum)} spent in {Seconds(Window)} > limit {Num(maxSum)}");
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

    public override RuleKind Kind => RuleKind.CardTesting;

    [JsonIgnore]
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);

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

    public override RuleKind Kind => RuleKind.AccountDrain;

    public override Reason? Evaluate(Transaction transaction, AccountState history, RuleSet ruleSet)
    {
        if (transaction.Type is not (TransactionType.Transfer or TransactionType.CashWithdrawal or TransactionType.Payment)
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

    private static string Percent(decimal share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}

/// <summary>
/// The producer's balances disagree with the amount: after should be before minus a debit, or plus a deposit or
/// refund, within <see cref="Tolerance"/>. A ledger that does not add up is a reason to look, not a reason to refuse.
/// </summary>
public sealed record BalanceMismatchRule : Rule
{
    public decimal Tolerance { get; init; } = 0.01m;

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
