using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AkkaFraud.Domain;

/// <summary>
/// A versioned set of rules and the score thresholds that turn their weights into a decision. Its JSON form is what
/// operators edit and what the control plane stores:
/// <c>{"version":3,"reviewThreshold":50,"blockThreshold":80,"allowedLatenessSeconds":900,"rules":[{"type":"threshold","id":"large-amount","weight":60,"limit":9000}]}</c>.
/// </summary>
public sealed record RuleSet
{
    public required int Version { get; init; }

    /// <summary>The currency the rules' amounts are written in (ISO 4217).</summary>
    public string Currency { get; init; } = "EUR";

    /// <summary>
    /// What one unit of each currency is worth in <see cref="Currency"/>, so that a limit means the same money in
    /// every currency. Versioned with the rules: a change of rates is a new rule set. A currency without a rate is
    /// compared as it is (and the reason says so); null compares every currency as it is.
    /// </summary>
    public ImmutableSortedDictionary<string, decimal>? Rates { get; init; }

    /// <summary>The transaction's amount in <see cref="Currency"/>; null when the rule set has no rate for its currency.</summary>
    public decimal? InRuleCurrency(Transaction transaction) =>
        transaction.Currency == Currency ? transaction.Amount
        : RateOf(transaction.Currency) is { } rate ? transaction.Amount * rate
        : null;

    /// <summary>What one unit of <paramref name="currency"/> is worth in <see cref="Currency"/>; null without a rate for it.</summary>
    public decimal? RateOf(string currency) =>
        currency == Currency ? 1m : Rates is not null && Rates.TryGetValue(currency, out var rate) ? rate : null;

    /// <summary>
    /// Rough rates to the euro of the currencies payments are mostly made in (late 2026): enough for thresholds,
    /// whose limits are round numbers; a bank puts its treasury's rates into its rule set instead.
    /// </summary>
    public static ImmutableSortedDictionary<string, decimal> EuroRates { get; } = new Dictionary<string, decimal>
    {
        ["AED"] = 0.235m, ["AUD"] = 0.57m, ["BRL"] = 0.16m, ["CAD"] = 0.62m, ["CHF"] = 1.07m, ["CNY"] = 0.12m, ["CZK"] = 0.041m,
        ["DKK"] = 0.134m, ["EUR"] = 1m, ["GBP"] = 1.15m, ["HKD"] = 0.11m, ["HUF"] = 0.0026m, ["INR"] = 0.0098m, ["JPY"] = 0.0057m,
        ["KRW"] = 0.00061m, ["MXN"] = 0.047m, ["NOK"] = 0.085m, ["NZD"] = 0.51m, ["PLN"] = 0.235m, ["RON"] = 0.197m, ["SEK"] = 0.091m,
        ["SGD"] = 0.67m, ["TRY"] = 0.021m, ["USD"] = 0.86m, ["ZAR"] = 0.049m,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>Score at or above which a transaction is held for review (flagged).</summary>
    public int ReviewThreshold { get; init; } = 50;

    /// <summary>Score at or above which a transaction is blocked (flagged).</summary>
    public int BlockThreshold { get; init; } = 80;

    /// <summary>
    /// How late (in event time, behind the newest transaction of the account) a transaction may arrive and still be
    /// scored against complete history. State keeps this much more than the longest window.
    /// </summary>
    public int AllowedLatenessSeconds
    {
        get => _allowedLatenessSeconds;
        init
        {
            _allowedLatenessSeconds = value;
            _horizonMs = null;
        }
    }

    public required ImmutableArray<Rule> Rules
    {
        get => _rules;
        init
        {
            _rules = value;
            _horizonMs = null;
        }
    }

    /// <summary>
    /// Rules switched off for one account until a time (in event time, as every rule): a false alarm someone has
    /// looked into, silenced for that customer without changing the rule for anyone else. Null when there are none.
    /// </summary>
    public ImmutableArray<RuleSnooze>? Snoozes
    {
        get => _snoozes;
        init
        {
            _snoozes = value;
            _snoozesByAccount = null;
        }
    }

    /// <summary>The snoozes of <paramref name="accountId"/>'s rules (usually none).</summary>
    internal ImmutableArray<RuleSnooze> SnoozesOf(string accountId) =>
        _snoozes is not { Length: > 0 } ? []
        : (_snoozesByAccount ??= _snoozes.Value.GroupBy(z => z.AccountId, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.Ordinal))
            .GetValueOrDefault(accountId, []);

    // Cached because every Apply needs it; the init accessors reset it, so `with` copies stay right.
    private ImmutableArray<RuleSnooze>? _snoozes;
    private FrozenDictionary<string, ImmutableArray<RuleSnooze>>? _snoozesByAccount;
    private int _allowedLatenessSeconds = 900;
    private ImmutableArray<Rule> _rules;
    private long? _horizonMs;

    /// <summary>How much event-time history an account keeps behind its newest transaction, in milliseconds.</summary>
    [JsonIgnore]
    public long HorizonMs => _horizonMs ??= (long)(TimeSpan.FromSeconds(AllowedLatenessSeconds)
        + (_rules.IsDefault ? [] : _rules).Where(r => r.Enabled).Select(r => r.Lookback).DefaultIfEmpty(TimeSpan.Zero).Max()).TotalMilliseconds;

    /// <summary>The demo's single rule, <c>amount &gt; 9000</c>, as a rule set: the baseline detection quality is measured against.</summary>
    public static RuleSet Seed { get; } = new()
    {
        Version = 1,
        Rules = [new ThresholdRule { Id = "large-amount", Weight = 60, Limit = 9000 }],
    };

    /// <summary>
    /// The shipped rule set: the seed's rule, one rule of each other kind, and the ceiling above which an amount is
    /// implausible for an account or card payment (10 million): such a transaction is scored, and blocked. The
    /// profile rules weigh less than the review threshold alone: they flag together with another signal.
    /// </summary>
    public static RuleSet Default { get; } = new()
    {
        Version = 1,
        Rates = EuroRates,
        Rules =
        [
            new ThresholdRule { Id = "large-amount", Weight = 60, Limit = 9000 },
            new ThresholdRule { Id = "amount-over-limit", Weight = 100, Limit = 10_000_000 },
            new VelocityRule { Id = "velocity-burst", Weight = 60, WindowSeconds = 60, MaxCount = 5 },
            new ImpossibleTravelRule { Id = "impossible-travel", Weight = 70, MaxSpeedKmh = 900, MinDistanceKm = 100 },
            new CardTestingRule { Id = "card-testing", Weight = 80, WindowSeconds = 600, MinSmallCount = 3, SmallAmount = 5, LargeAmount = 200 },
            new AccountDrainRule { Id = "account-drain", Weight = 50, MinShare = 0.9m, MinAmount = 1000 },
            new BalanceMismatchRule { Id = "balance-mismatch", Weight = 30, Tolerance = 0.01m },
            new PassThroughRule { Id = "pass-through", Weight = 50, WindowSeconds = 3600, MinShare = 0.8m, MinAmount = 1000 },
            new PassThroughRule { Id = "pass-through-begins", Weight = 50, WindowSeconds = 3600, MinShare = 0.25m, MinAmount = 1000 },
            new AmountAnomalyRule { Id = "amount-anomaly", Weight = 30, MaxZ = 4, MinHistory = 20, MinAmount = 500 },
            new DistinctVelocityRule { Id = "many-countries", Weight = 40, Dimension = "country", WindowSeconds = 3600, MaxDistinct = 3 },
            new FirstSeenRule { Id = "new-payee", Weight = 20, Dimension = "counterparty", MinAmount = 1000 },
            new AllRule
            {
                Id = "new-device-to-new-payee",
                Weight = 50,
                Conditions =
                [
                    new FirstSeenRule { Id = "new-device", Weight = 0, Dimension = "device", MinAmount = 100, NewForHours = 24 },
                    new FirstSeenRule { Id = "new-payee", Weight = 0, Dimension = "counterparty", MinAmount = 100, NewForHours = 24 },
                ],
            },
            new AnyRule
            {
                Id = "money-in",
                Weight = -40,
                Conditions = [new ThresholdRule { Id = "deposit-or-refund", Weight = 0, Limit = 0, Types = ["deposit", "refund"] }],
            },
            new AnyRule
            {
                Id = "utility-or-tax-bill",
                Weight = -20,
                Conditions = [new ThresholdRule { Id = "utility-or-tax", Weight = 0, Limit = 0, MerchantCategories = ["4900", "9311"] }],
            },
        ],
    };

    /// <summary>Problems for people (duplicate ids, bad thresholds, bad parameters); empty when the set is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Version <= 0)
        {
            problems.Add("version must be positive");
        }

        if (ReviewThreshold is <= 0 or > 100 || BlockThreshold < ReviewThreshold || BlockThreshold > 100)
        {
            problems.Add("thresholds must satisfy 0 < reviewThreshold <= blockThreshold <= 100");
        }

        if (!Currencies.IsKnown(Currency ?? ""))
        {
            problems.Add($"currency '{Currency}' is not an ISO 4217 code");
        }

        foreach (var (code, rate) in Rates ?? ImmutableSortedDictionary<string, decimal>.Empty)
        {
            if (!Currencies.IsKnown(code) || rate <= 0 || (code == Currency && rate != 1))
            {
                problems.Add($"rates: '{code}' must be an ISO 4217 code worth more than 0 {Currency} ({Currency} itself 1)");
            }
        }

        if (AllowedLatenessSeconds < 0)
        {
            problems.Add("allowedLatenessSeconds must not be negative");
        }

        foreach (var snooze in Snoozes ?? [])
        {
            if (string.IsNullOrWhiteSpace(snooze.AccountId) || snooze.Until == default || Rules.IsDefault || !Rules.Any(r => r.Id == snooze.RuleId))
            {
                problems.Add($"snooze of rule '{snooze.RuleId}' for account '{snooze.AccountId}' must name a rule of the set, an account and an 'until' time");
            }
        }

        problems.AddRange((Snoozes ?? []).GroupBy(z => (z.RuleId, z.AccountId)).Where(g => g.Count() > 1)
            .Select(g => $"rule '{g.Key.RuleId}' is snoozed {g.Count()} times for account '{g.Key.AccountId}'"));

        if (Rules.IsDefault)
        {
            problems.Add("rules are missing");
            return problems;
        }

        problems.AddRange(Rules.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => $"rule id '{g.Key}' is used {g.Count()} times"));
        problems.AddRange(Rules.SelectMany(r => r.Problems()));
        return problems;
    }

    // Reflection, not source generation: generated code assigns every init-only property, so defaults such as
    // ReviewThreshold = 50 would become 0 when the JSON leaves them out. Rule sets are parsed rarely; speed is moot.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
        AllowOutOfOrderMetadataProperties = true,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>One rule in the rule set's JSON form (as an element of <c>rules</c>).</summary>
    public static string RuleToJson(Rule rule) => JsonSerializer.Serialize(rule, JsonOptions);

    /// <summary>Parses one rule of the rule set's JSON form; a <see cref="FormatException"/> says what is wrong.</summary>
    public static Rule RuleFromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Rule>(json, JsonOptions) ?? throw new FormatException("rule JSON is null");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            throw new FormatException($"rule JSON is invalid: {exception.Message}", exception);
        }
    }

    /// <summary>Parses and validates; a <see cref="FormatException"/> says what is wrong, for the person who wrote it.</summary>
    public static RuleSet FromJson(string json)
    {
        RuleSet? ruleSet;
        try
        {
            ruleSet = JsonSerializer.Deserialize<RuleSet>(json, JsonOptions);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"rule set JSON is invalid at {exception.Path ?? "the start"}: {exception.Message}", exception);
        }
        catch (NotSupportedException exception)
        {
            throw new FormatException($"rule set JSON is invalid: {exception.Message}", exception);
        }

        if (ruleSet is null)
        {
            throw new FormatException("rule set JSON is null");
        }

        var problems = ruleSet.Problems();
        return problems.Count == 0 ? ruleSet : throw new FormatException("rule set is invalid: " + string.Join("; ", problems));
    }

    public bool Equals(RuleSet? other) =>
        other is not null && ToJson() == other.ToJson();

    public override int GetHashCode() => Version;
}

/// <summary>Rule <paramref name="RuleId"/> gives no reason for <paramref name="AccountId"/>'s transactions of event time before <paramref name="Until"/>.</summary>
public sealed record RuleSnooze(string RuleId, string AccountId, DateTimeOffset Until);
