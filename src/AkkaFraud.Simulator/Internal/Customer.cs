using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Internal;

/// <summary>
/// One account holder living their life in event time: shopping at home by day, paying online, drawing cash, paying
/// bills and friends, now and then a big purchase, now and then a trip (by road or by plane, at the speed of either),
/// and once in a long while moving nearly all their money to an account of their own. Payments come as a Poisson
/// process shaped by the local time of day. The account keeps a ledger balance that every transaction moves (a
/// fraudster's too); every few dozen payments the salary comes in as a deposit, a little more than was spent since
/// the last one. Paydays follow the customer's own payments, never the balance, so a fraud moves the ledger and
/// nothing else about the customer.
/// </summary>
internal sealed class Customer : Agent
{
    /// <summary>Share of purchases that are big-ticket (furniture, a car deposit, a holiday): 500–25,000, log-uniform.</summary>
    private const double BigTicketChance = 0.001;

    /// <summary>Share of payments that move almost the whole balance to the customer's own account elsewhere.</summary>
    private const double EmptyOwnAccountChance = 0.0002;

    private readonly double _spend;
    private readonly double _meanGapAtPeakMs;
    private readonly double _shop, _atm, _transfer, _bill; // cumulative channel thresholds; the rest is online
    private readonly string[] _devices;
    private readonly string[] _contacts;
    private readonly double _tripChance;
    private readonly int _payPeriod;
    private int _paymentsSincePayday;
    private decimal _spentSincePayday;
    private readonly string _employer;
    private readonly string _savings;

    private City? _destination;
    private long _departMs, _arriveMs, _leaveMs, _backMs;
    private int _utcOffsetMinutes;
    private List<ImpossibleTravelIncident>? _armed;

    private Customer(string accountId, City home, double perSecond, Rng rng)
    {
        AccountId = accountId;
        Home = home;
        Currency = home.Currency;
        PerEuro = home.PerEuro;
        _utcOffsetMinutes = home.UtcOffsetMinutes;
        _spend = rng.LogNormal(1, 0.4);
        _meanGapAtPeakMs = 1000 / (perSecond * DailyRhythm.Peak);
        var online = rng.Between(0.15, 0.40);
        _atm = rng.Between(0.02, 0.08);
        _transfer = rng.Between(0.01, 0.04);
        _bill = rng.Between(0.01, 0.03);
        _shop = 1 - online - _atm - _transfer - _bill;
        _atm += _shop;
        _transfer += _atm;
        _bill += _transfer;
        _devices = [.. Enumerable.Range(0, rng.Between(1, 2)).Select(_ => Ids.Device(rng))];
        _contacts = [.. Enumerable.Range(0, rng.Between(1, 4)).Select(_ => Ids.Counterparty(rng, home.Country))];
        var tripsPerYear = rng.Between(0.0, 8.0);
        _tripChance = Math.Min(0.05, tripsPerYear / 365 / (perSecond * 86_400));
        _payPeriod = rng.Between(30, 90);
        Balance = Money.Cents(rng.LogNormal(3_000 * _spend, 1.0) * PerEuro);
        _employer = Ids.Counterparty(rng, home.Country);
        _savings = Ids.Counterparty(rng, home.Country);
    }

    /// <summary>The account's ledger balance now: every transaction of the account moves it.</summary>
    public decimal Balance { get; private set; }

    /// <summary>Books a transaction on the ledger; the balances before and after it.</summary>
    public (decimal Before, decimal After) Book(decimal amount, TransactionType type)
    {
        var before = Balance;
        Balance = type is TransactionType.Deposit or TransactionType.Refund ? before + amount : before - amount;
        return (before, Balance);
    }

    public string AccountId { get; }

    public City Home { get; }

    public string Currency { get; }

    /// <summary>What one euro of spending is in the account's currency.</summary>
    public double PerEuro { get; }

    /// <summary>When and where the customer last paid with a location (card present, or online banking's IP location).</summary>
    public long LastSeenMs { get; private set; } = long.MinValue;

    public double LastSeenLatitude { get; private set; }

    public double LastSeenLongitude { get; private set; }

    /// <summary>The city of the last card-present payment (home until there is one).</summary>
    public City LastCity { get; private set; } = null!;

    /// <summary>
    /// Creates the accounts: homes by population, activity log-normal around the mean rate so that the accounts
    /// together make <paramref name="perSecond"/> transactions a second.
    /// </summary>
    public static Customer[] CreateAll(World world, int seed, int count, double perSecond, Rng rng)
    {
        var activity = new double[count];
        for (var i = 0; i < count; i++)
        {
            activity[i] = rng.LogNormal(1, 0.6);
        }

        var scale = perSecond / activity.Sum();
        var customers = new Customer[count];
        for (var i = 0; i < count; i++)
        {
            var home = world.Homes.Pick(rng);
            customers[i] = new Customer(Ids.Account(seed, i, home.Country), home, activity[i] * scale, rng) { LastCity = home };
        }

        return customers;
    }

    /// <summary>One of the customer's own devices (a mule moves money from the phone they always use).</summary>
    public string OwnDevice(Rng rng) => rng.Pick(_devices);

    /// <summary>Sets <see cref="Agent.DueMs"/> to the first payment after <paramref name="startMs"/>.</summary>
    public void Begin(long startMs, Rng rng) => DueMs = Next(rng, startMs);

    /// <summary>The incident strikes right after the customer's next card-present payment (where the card is skimmed).</summary>
    public void Arm(ImpossibleTravelIncident incident) => (_armed ??= []).Add(incident);

    public override AgentStep Act(Simulation simulation)
    {
        var rng = simulation.Rng;
        var now = DueMs;
        var here = Where(now);
        var roll = rng.NextDouble();
        var transaction = here is null ? Online(simulation, rng, now) // in transit: only what a phone can do
            : _paymentsSincePayday >= _payPeriod ? Salary(simulation, rng, now)
            : roll < EmptyOwnAccountChance && Balance > 1_000 ? EmptyOwnAccount(simulation, rng, now, here)
            : roll < _shop ? Shop(simulation, rng, now, here)
            : roll < _atm ? Cash(simulation, rng, now, here)
            : roll < _transfer ? Transfer(simulation, rng, now, here)
            : roll < _bill ? Bill(simulation, rng, now, here)
            : Online(simulation, rng, now);

        _paymentsSincePayday++;
        if (!transaction.IsCredit)
        {
            _spentSincePayday += transaction.Amount;
        }

        if (transaction.Latitude is { } latitude)
        {
            LastSeenMs = now;
            LastSeenLatitude = latitude;
            LastSeenLongitude = transaction.Longitude!.Value;
            if (transaction.Channel is Channel.Pos or Channel.Atm)
            {
                LastCity = here!;
                TriggerArmed(simulation);
            }
        }

        if (_destination is null && rng.Chance(_tripChance))
        {
            PlanTrip(simulation.World, rng, now);
        }

        DueMs = Next(rng, now);
        return new AgentStep(transaction, null, Done: false);
    }

    /// <summary>Where the customer is at <paramref name="now"/>: home, away, or on the way (null).</summary>
    private City? Where(long now)
    {
        if (_destination is null)
        {
            return Home;
        }

        if (now >= _backMs)
        {
            _destination = null;
            _utcOffsetMinutes = Home.UtcOffsetMinutes;
            return Home;
        }

        if (now >= _leaveMs || (now >= _departMs && now < _arriveMs))
        {
            return null;
        }

        if (now >= _arriveMs)
        {
            _utcOffsetMinutes = _destination.UtcOffsetMinutes;
            return _destination;
        }

        return Home;
    }

    /// <summary>
    /// Plans a trip: a third stay in the country (by road or rail, 90 km/h plus half an hour), the rest go wherever
    /// is popular (by plane when farther than 700 km: 800 km/h plus three hours for airports). Nothing is paid in
    /// person on the way, so no two located payments are ever farther apart than an honest journey.
    /// </summary>
    private void PlanTrip(World world, Rng rng, long now)
    {
        City? destination = null;
        if (rng.Chance(0.35))
        {
            var domestic = world.Cities.Where(c => c.Country == Home.Country && c != Home && c.TravelWeight > 0).ToArray();
            destination = domestic.Length == 0 ? null : rng.Pick(domestic);
        }

        for (var tries = 0; tries < 10 && (destination is null || destination == Home); tries++)
        {
            destination = world.Destinations.Pick(rng);
        }

        if (destination is null || destination == Home)
        {
            return;
        }

        var km = Geo.HaversineKm(Home.Latitude, Home.Longitude, destination.Latitude, destination.Longitude);
        var hours = km < 700 ? (km / 90) + 0.5 : (km / 800) + 3;
        var journeyMs = (long)(hours * 3_600_000);
        _departMs = now + (long)rng.Between(3_600_000.0, 36 * 3_600_000.0);
        _arriveMs = _departMs + journeyMs;
        _leaveMs = _arriveMs + (long)rng.Between(1.5 * 86_400_000, 10 * 86_400_000.0);
        _backMs = _leaveMs + journeyMs;
        _destination = destination;
    }

    /// <summary>The next payment: a Poisson process at the peak rate, thinned by the local hour's weight.</summary>
    private long Next(Rng rng, long afterMs)
    {
        var t = afterMs;
        do
        {
            t += Gap(rng.Exponential() * _meanGapAtPeakMs);
        }
        while (rng.NextDouble() * DailyRhythm.Peak >= DailyRhythm.At(t, _utcOffsetMinutes));

        return t;
    }

    private Transaction Shop(Simulation simulation, Rng rng, long now, City here)
    {
        if (rng.Chance(BigTicketChance))
        {
            return BigTicket(simulation, rng, now, here);
        }

        var category = (here == Home ? Categories.HomeShopping : Categories.TravelShopping).Pick(rng);
        var shop = simulation.World.ShopIn(here, category, rng) ?? simulation.World.AnyShopIn(here, rng);
        return shop is null
            ? Online(simulation, rng, now)
            : simulation.Transaction(this, now, Spend(rng, shop.Category), TransactionType.Purchase, Channel.Pos, shop);
    }

    private Transaction BigTicket(Simulation simulation, Rng rng, long now, City here)
    {
        var category = Categories.BigTicket.Pick(rng);
        var amount = Money.Cents(rng.LogUniform(500, 25_000) * PerEuro);
        var shop = category.Kind == MerchantKind.Shop ? simulation.World.ShopIn(here, category, rng) : null;
        return shop is null
            ? simulation.Transaction(this, now, amount, TransactionType.Purchase, Channel.Ecom,
                simulation.World.Of(category.Kind == MerchantKind.Online ? category : Categories.OnlineElectronics, rng), deviceId: rng.Pick(_devices))
            : simulation.Transaction(this, now, amount, TransactionType.Purchase, Channel.Pos, shop);
    }

    private Transaction Cash(Simulation simulation, Rng rng, long now, City here)
    {
        var atm = simulation.World.ShopIn(here, Categories.Atm, rng);
        return atm is null
            ? Shop(simulation, rng, now, here)
            : simulation.Transaction(this, now, Money.Whole(rng.LogNormal(Categories.Atm.MedianEur * Math.Sqrt(_spend), Categories.Atm.Sigma) * PerEuro, 10),
                TransactionType.CashWithdrawal, Channel.Atm, atm);
    }

    private Transaction Salary(Simulation simulation, Rng rng, long now)
    {
        var pay = Money.Cents((double)Math.Max(_spentSincePayday, 100) * rng.Between(0.98, 1.15));
        _paymentsSincePayday = -1;
        _spentSincePayday = 0;
        return simulation.Transaction(this, now, pay, TransactionType.Deposit, Channel.Transfer, counterpartyId: _employer);
    }

    /// <summary>An honest drain: 95–100 % of the balance to the customer's own savings account, online.</summary>
    private Transaction EmptyOwnAccount(Simulation simulation, Rng rng, long now, City here) =>
        simulation.Transaction(this, now, Money.Cents((double)Balance * rng.Between(0.95, 1.0)), TransactionType.Transfer, Channel.Transfer,
            counterpartyId: _savings, deviceId: rng.Pick(_devices), at: Simulation.IpLocation(here, rng));

    private Transaction Transfer(Simulation simulation, Rng rng, long now, City here) =>
        simulation.Transaction(this, now, Money.Cents(rng.LogNormal(60 * _spend, 1.0) * PerEuro), TransactionType.Transfer, Channel.Transfer,
            counterpartyId: rng.Pick(_contacts), deviceId: rng.Pick(_devices), at: Simulation.IpLocation(here, rng));

    private Transaction Bill(Simulation simulation, Rng rng, long now, City here)
    {
        var biller = simulation.World.Of(Categories.Bills.Pick(rng), rng);
        return simulation.Transaction(this, now, Spend(rng, biller.Category), TransactionType.Payment, Channel.Transfer, biller,
            deviceId: rng.Pick(_devices), at: Simulation.IpLocation(here, rng));
    }

    private Transaction Online(Simulation simulation, Rng rng, long now)
    {
        var merchant = simulation.World.Of(Categories.OnlineShopping.Pick(rng), rng);
        var refund = rng.Chance(0.03);
        var amount = Spend(rng, merchant.Category);
        return simulation.Transaction(this, now, amount, refund ? TransactionType.Refund : TransactionType.Purchase, Channel.Ecom, merchant, deviceId: rng.Pick(_devices));
    }

    private decimal Spend(Rng rng, Category category) => Money.Cents(rng.LogNormal(category.MedianEur * _spend, category.Sigma) * PerEuro);

    private void TriggerArmed(Simulation simulation)
    {
        if (_armed is not { Count: > 0 })
        {
            return;
        }

        foreach (var incident in _armed)
        {
            incident.StrikeAfterSkim(simulation);
        }

        _armed.Clear();
    }
}
