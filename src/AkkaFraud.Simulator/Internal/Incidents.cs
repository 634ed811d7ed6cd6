using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Internal;

/// <summary>
/// One fraud incident against one account: a short sequence of labelled transactions. Each incident draws from its
/// own random stream, so starting one on demand changes nothing customers or other incidents do (only the sequence
/// numbers in later transaction ids move on).
/// </summary>
internal abstract class Incident(long id, FraudScenario scenario, Customer victim, Rng rng) : Agent
{
    public long Id { get; } = id;

    public FraudScenario Scenario { get; } = scenario;

    public Customer Victim { get; } = victim;

    protected Rng Rng { get; } = rng;

    /// <summary>How many transactions the incident has emitted so far.</summary>
    protected int Emitted { get; private set; }

    /// <summary>The fraudster's device, never seen on the account before.</summary>
    protected string FraudsterDevice { get; } = Ids.Device(rng);

    public static Incident Create(FraudScenario scenario, long id, Customer victim, Rng rng) => scenario switch
    {
        FraudScenario.LargeAmount => new LargeAmountIncident(id, victim, rng),
        FraudScenario.VelocityBurst => new VelocityBurstIncident(id, victim, rng),
        FraudScenario.ImpossibleTravel => new ImpossibleTravelIncident(id, victim, rng),
        FraudScenario.CardTesting => new CardTestingIncident(id, victim, rng),
        FraudScenario.AccountTakeover => new AccountTakeoverIncident(id, victim, rng),
        FraudScenario.MulePassThrough => new MulePassThroughIncident(id, victim, rng),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };

    /// <summary>Mean transactions per incident of each scenario (from the ranges below): what the fraud rate is planned with.</summary>
    public static double MeanTransactions(FraudScenario scenario) => scenario switch
    {
        FraudScenario.LargeAmount => 1,
        FraudScenario.VelocityBurst => (VelocityBurstIncident.MinLength + VelocityBurstIncident.MaxLength) / 2.0,
        FraudScenario.ImpossibleTravel => 1 + ImpossibleTravelIncident.FollowUpChance,
        FraudScenario.CardTesting => 1 + ((CardTestingIncident.MinProbes + CardTestingIncident.MaxProbes) / 2.0),
        FraudScenario.AccountTakeover => (AccountTakeoverIncident.MinTransfers + AccountTakeoverIncident.MaxTransfers) / 2.0,
        FraudScenario.MulePassThrough => 1 + ((MulePassThroughIncident.MinParts + MulePassThroughIncident.MaxParts) / 2.0),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };

    /// <summary>Puts the incident into the simulation; by default its first transaction comes right now.</summary>
    public virtual void Begin(Simulation simulation, bool onDemand)
    {
        DueMs = simulation.ClockMs;
        simulation.Schedule(this);
    }

    /// <summary>Emits <paramref name="transaction"/> with its label; the incident acts again at <paramref name="nextMs"/>, or is done.</summary>
    protected AgentStep Emit(Transaction transaction, bool decisive, long? nextMs)
    {
        Emitted++;
        if (nextMs is { } next)
        {
            DueMs = next;
        }

        return new AgentStep(transaction, new FraudLabel(transaction.TransactionId, transaction.AccountId, Scenario, Id, decisive), Done: nextMs is null);
    }

    protected long After(double seconds) => DueMs + Gap(seconds * 1000);
}

internal sealed class LargeAmountIncident(long id, Customer victim, Rng rng) : Incident(id, FraudScenario.LargeAmount, victim, rng)
{
    public override AgentStep Act(Simulation simulation)
    {
        var amount = Money.Cents(Rng.LogUniform(8_000, 60_000));
        var shop = Rng.Chance(0.4) ? simulation.World.ShopIn(Victim.LastCity, Rng.Chance(0.5) ? Categories.Electronics : Categories.Jewelry, Rng) : null;
        var transaction = shop is null
            ? simulation.Transaction(Victim, DueMs, amount, TransactionType.Purchase, Channel.Ecom,
                simulation.World.Of(Rng.Chance(0.5) ? Categories.OnlineElectronics : Categories.Marketplace, Rng), deviceId: FraudsterDevice)
            : simulation.Transaction(Victim, DueMs, amount, TransactionType.Purchase, Channel.Pos, shop);
        return Emit(transaction, decisive: true, nextMs: null);
    }
}

internal sealed class VelocityBurstIncident(long id, Customer victim, Rng rng) : Incident(id, FraudScenario.VelocityBurst, victim, rng)
{
    public const int MinLength = 8;
    public const int MaxLength = 16;

    private static readonly Category[] Targets =
        [Categories.Marketplace, Categories.Games, Categories.DigitalMedia, Categories.MailOrder, Categories.OnlineElectronics];

    private readonly int _length = rng.Between(MinLength, MaxLength);

    public override AgentStep Act(Simulation simulation)
    {
        var transaction = simulation.Transaction(Victim, DueMs, Money.Cents(Rng.LogNormal(60, 0.6)), TransactionType.Purchase, Channel.Ecom,
            simulation.World.Of(Rng.Pick(Targets), Rng), deviceId: FraudsterDevice);
        var decisive = Emitted >= FraudLabel.BurstLeadIn;
        // About five seconds apart, with a tail: a slow bot now and then lets the window slide past it.
        return Emit(transaction, decisive, Emitted + 1 < _length ? After(Math.Min(120, 1 + (4 * Rng.Exponential()))) : null);
    }
}

internal sealed class CardTestingIncident(long id, Customer victim, Rng rng) : Incident(id, FraudScenario.CardTesting, victim, rng)
{
    public const int MinProbes = 3;
    public const int MaxProbes = 8;

    private static readonly Category[] ProbeTargets = [Categories.DigitalMedia, Categories.Apps, Categories.Games, Categories.Charity];
    private static readonly Category[] CashOutTargets = [Categories.OnlineElectronics, Categories.Marketplace, Categories.TravelAgency];

    private readonly int _probes = rng.Between(MinProbes, MaxProbes);

    public override AgentStep Act(Simulation simulation)
    {
        if (Emitted < _probes)
        {
            var probe = Rng.Chance(0.4) ? 1.00m : Money.Cents(Rng.Between(0.5, 5.0));
            var transaction = simulation.Transaction(Victim, DueMs, probe, TransactionType.Purchase, Channel.Ecom,
                simulation.World.Of(Rng.Pick(ProbeTargets), Rng), deviceId: FraudsterDevice);
            // Scripted: seconds between probes, then the cash-out within minutes (at most 450 s after the third-last probe).
            var next = Emitted + 1 < _probes ? After(5 + Math.Min(90, 30 * Rng.Exponential())) : After(20 + Math.Min(240, 90 * Rng.Exponential()));
            return Emit(transaction, decisive: false, next);
        }

        var cashOut = simulation.Transaction(Victim, DueMs, Money.Cents(Rng.LogUniform(250, 3_000)), TransactionType.Purchase, Channel.Ecom,
            simulation.World.Of(Rng.Pick(CashOutTargets), Rng), deviceId: FraudsterDevice);
        return Emit(cashOut, decisive: true, nextMs: null);
    }
}

internal sealed class ImpossibleTravelIncident(long id, Customer victim, Rng rng) : Incident(id, FraudScenario.ImpossibleTravel, victim, rng)
{
    public const double FollowUpChance = 0.5;

    /// <summary>Faster than any airliner, with no time for airports: what makes the journey impossible.</summary>
    private const double ImpossibleKmh = 1_000;

    private City? _remote;

    /// <summary>
    /// Randomly started incidents wait for the victim's next card-present payment (the skim). On demand, the clone
    /// is used within minutes when a far enough city exists for the victim's last located payment; else it waits too.
    /// </summary>
    public override void Begin(Simulation simulation, bool onDemand)
    {
        if (!onDemand || !Strike(simulation, Math.Max(simulation.ClockMs, Victim.LastSeenMs) + (long)Rng.Between(60_000.0, 300_000.0)))
        {
            Victim.Arm(this);
        }
    }

    /// <summary>Called right after the skim: the clone is used 5 minutes to 3 hours later.</summary>
    public void StrikeAfterSkim(Simulation simulation)
    {
        var atMs = Victim.LastSeenMs + (long)Rng.Between(5 * 60_000.0, 3 * 3_600_000.0);
        while (!Strike(simulation, atMs))
        {
            atMs = Victim.LastSeenMs + ((atMs - Victim.LastSeenMs) / 2); // no city that far: strike sooner
        }
    }

    public override AgentStep Act(Simulation simulation)
    {
        var remote = _remote!;
        var cash = Rng.Chance(0.6);
        var merchant = (cash ? simulation.World.ShopIn(remote, Categories.Atm, Rng) : simulation.World.ShopIn(remote, Categories.Electronics, Rng))
            ?? simulation.World.AnyShopIn(remote, Rng)!;
        var transaction = merchant.Category == Categories.Atm
            ? simulation.Transaction(Victim, DueMs, Money.Whole(Rng.LogUniform(200, 1_000) * Victim.PerEuro, 20), TransactionType.CashWithdrawal, Channel.Atm, merchant)
            : simulation.Transaction(Victim, DueMs, Money.Cents(Rng.LogNormal(400, 0.6) * Victim.PerEuro), TransactionType.Purchase, Channel.Pos, merchant);
        var first = Emitted == 0;
        var next = first && Rng.Chance(FollowUpChance) ? After(Rng.Between(600, 2_700)) : (long?)null;
        return Emit(transaction, decisive: first, next);
    }

    /// <summary>
    /// Schedules the first use at <paramref name="atMs"/> in a city (with shops) farther from the victim's last
    /// located payment than <see cref="ImpossibleKmh"/> allows in the time between. False when no city is that far.
    /// </summary>
    private bool Strike(Simulation simulation, long atMs)
    {
        if (Victim.LastSeenMs == long.MinValue)
        {
            return false;
        }

        var hours = (atMs - Victim.LastSeenMs) / 3_600_000.0;
        var needKm = (ImpossibleKmh * hours) + 20; // + 20 km: shops lie up to 8 km from the centre at both ends
        var candidates = simulation.World.Cities
            .Where(c => simulation.World.HasShops(c)
                && Geo.HaversineKm(Victim.LastSeenLatitude, Victim.LastSeenLongitude, c.Latitude, c.Longitude) > needKm)
            .ToArray();
        if (candidates.Length == 0)
        {
            return false;
        }

        _remote = Rng.Pick(candidates);
        DueMs = atMs;
        simulation.Schedule(this);
        return true;
    }
}

internal sealed class AccountTakeoverIncident : Incident
{
    public const int MinTransfers = 2;
    public const int MaxTransfers = 5;

    private static readonly string[] MuleCountries = ["LT", "LV", "RO", "BG", "PT", "ES", "NL", "GB", "HU", "PL"];

    private readonly City _attacker;
    private readonly string[] _mules;
    private readonly double[] _slices;
    private readonly double _fallbackBalance;
    private decimal[]? _amounts;

    public AccountTakeoverIncident(long id, Customer victim, Rng rng)
        : base(id, FraudScenario.AccountTakeover, victim, rng)
    {
        var abroad = Cities.All.Where(c => c.Country != victim.Home.Country).ToArray();
        _attacker = rng.Pick(abroad);
        _mules = [.. Enumerable.Range(0, rng.Between(1, 2)).Select(_ => Ids.Counterparty(rng, rng.Pick(MuleCountries)))];

        // The balance, drained in uneven slices; the last takes what is left.
        _slices = new double[rng.Between(MinTransfers, MaxTransfers)];
        for (var i = 0; i < _slices.Length; i++)
        {
            _slices[i] = rng.Between(0.5, 1.5);
        }

        _fallbackBalance = rng.LogUniform(2_000, 25_000) * victim.PerEuro;
    }

    public override AgentStep Act(Simulation simulation)
    {
        // What the account holds when the attacker gets in (a nearly empty one is drained of an overdraft's worth).
        if (_amounts is null)
        {
            var balance = Victim.Balance > 2_000 * (decimal)Victim.PerEuro ? (double)Victim.Balance * 0.98 : _fallbackBalance;
            var total = _slices.Sum();
            _amounts = [.. _slices.Select(s => Money.Cents(balance * s / total))];
        }

        var transaction = simulation.Transaction(Victim, DueMs, _amounts[Emitted], TransactionType.Transfer, Channel.Transfer,
            counterpartyId: Rng.Pick(_mules), deviceId: FraudsterDevice, at: Simulation.IpLocation(_attacker, Rng));
        return Emit(transaction, decisive: true, Emitted + 1 < _amounts.Length ? After(60 + (300 * Rng.Exponential())) : null);
    }
}

internal sealed class MulePassThroughIncident : Incident
{
    public const int MinParts = 1;
    public const int MaxParts = 3;

    private static readonly string[] NextHopCountries = ["LT", "LV", "RO", "BG", "HU", "PL", "NL", "GB", "PT", "ES", "TR", "AE"];

    private readonly decimal _incoming;
    private readonly decimal[] _parts;
    private readonly string _previousHop;
    private readonly string _nextHop;
    private readonly bool _cash;

    public MulePassThroughIncident(long id, Customer mule, Rng rng)
        : base(id, FraudScenario.MulePassThrough, mule, rng)
    {
        _incoming = Money.Cents(rng.LogUniform(2_000, 15_000) * mule.PerEuro);
        _previousHop = Ids.Counterparty(rng, rng.Pick(NextHopCountries));
        _nextHop = Ids.Counterparty(rng, rng.Pick(NextHopCountries));
        _cash = rng.Chance(0.3);
        // 85–98 % of what came in, in uneven parts.
        var slices = Enumerable.Range(0, rng.Between(MinParts, MaxParts)).Select(_ => rng.Between(0.5, 1.5)).ToArray();
        var forwarded = (double)_incoming * rng.Between(0.85, 0.98);
        _parts = [.. slices.Select(s => Money.Cents(forwarded * s / slices.Sum()))];
    }

    public override AgentStep Act(Simulation simulation)
    {
        if (Emitted == 0)
        {
            var deposit = simulation.Transaction(Victim, DueMs, _incoming, TransactionType.Deposit, Channel.Transfer, counterpartyId: _previousHop);
            // The first part leaves 5–40 minutes later: the mule is told to move it at once.
            return Emit(deposit, decisive: false, After(Rng.Between(300, 2_400)));
        }

        var amount = _parts[Emitted - 1];
        var atm = _cash ? simulation.World.ShopIn(Victim.Home, Categories.Atm, Rng) : null;
        var transaction = atm is null
            ? simulation.Transaction(Victim, DueMs, amount, TransactionType.Transfer, Channel.Transfer, counterpartyId: _nextHop,
                deviceId: Victim.OwnDevice(Rng), at: Simulation.IpLocation(Victim.Home, Rng))
            : simulation.Transaction(Victim, DueMs, amount, TransactionType.CashWithdrawal, Channel.Atm, atm);
        return Emit(transaction, decisive: true, Emitted < _parts.Length ? After(Rng.Between(60, 600)) : null);
    }
}
