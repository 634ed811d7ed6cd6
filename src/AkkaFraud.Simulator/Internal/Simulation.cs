using System.Collections.Concurrent;
using System.Globalization;
using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Internal;

/// <summary>A place a transaction is located at: a shop, or where online banking's IP address puts the session.</summary>
internal readonly record struct Spot(string Country, double Latitude, double Longitude);

/// <summary>
/// The discrete-event core: agents (customers, incidents, the fraud injector) on an agenda by event time; the
/// earliest acts next. One thread drives it; only <see cref="Inject"/> may be called from others.
/// </summary>
internal sealed class Simulation
{
    private readonly Agenda _agenda;
    private readonly ConcurrentQueue<Incident> _injected = new();
    private readonly Dictionary<string, Customer> _byAccountId;
    private readonly string _idPrefix;
    private long _sequence;
    private long _incidentIds;
    private long _injections;

    public Simulation(SimulatorOptions options)
    {
        options.Validate();
        Seed = options.Seed;
        World = World.Create(options.Seed, options.Merchants);
        Rng = Rng.For(options.Seed, stream: 2);
        ClockMs = options.Start.ToUnixTimeMilliseconds();
        _agenda = new Agenda(ClockMs);
        _idPrefix = $"tx-{RunTag(options.Seed, ClockMs)}-";

        var legitPerSecond = options.EventsPerSecond * (1 - options.FraudShare);
        Customers = Customer.CreateAll(World, options.Seed, options.Accounts, legitPerSecond, Rng.For(options.Seed, stream: 3));
        _byAccountId = Customers.ToDictionary(c => c.AccountId, StringComparer.Ordinal);
        foreach (var customer in Customers)
        {
            customer.Begin(ClockMs, Rng);
            Schedule(customer);
        }

        if (options.FraudShare > 0)
        {
            var incidentsPerSecond = options.EventsPerSecond * options.FraudShare / FraudScenarios.All.Average(Incident.MeanTransactions);
            var injector = new FraudInjector(1000 / incidentsPerSecond);
            injector.Begin(ClockMs, Rng);
            Schedule(injector);
        }
    }

    public int Seed { get; }

    /// <summary>"tx-" and the run tag: every transaction id of this run starts so.</summary>
    public string IdPrefix => _idPrefix;

    public World World { get; }

    /// <summary>The shared random stream of customers and the injector (incidents have their own).</summary>
    public Rng Rng { get; }

    public IReadOnlyList<Customer> Customers { get; }

    /// <summary>Event time of the latest action, Unix ms; the start before the first.</summary>
    public long ClockMs { get; private set; }

    public void Schedule(Agent agent) => _agenda.Add(agent);

    public long NextIncidentId() => Interlocked.Increment(ref _incidentIds);

    /// <summary>The next transaction in event-time order.</summary>
    public SimulatedTransaction Next()
    {
        while (true)
        {
            while (_injected.TryDequeue(out var incident))
            {
                incident.Begin(this, onDemand: true);
            }

            var agent = _agenda.Next();
            ClockMs = agent.DueMs;
            var step = agent.Act(this);

            // Whatever Act scheduled is due later or was created later, so the agent is still the next one.
            if (step.Done)
            {
                _agenda.RemoveNext();
            }
            else
            {
                _agenda.Reschedule(agent);
            }

            if (step.Transaction is { } transaction)
            {
                return new SimulatedTransaction(transaction, step.Label);
            }
        }
    }

    /// <summary>Thread-safe: picks the victim now (from the incident's own random stream) and starts the incident at the next step.</summary>
    public FraudIncident Inject(FraudScenario scenario, string? accountId)
    {
        if (!Enum.IsDefined(scenario))
        {
            throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }

        var rng = Rng.For(Seed, stream: 5, (ulong)Interlocked.Increment(ref _injections));
        Customer? victim;
        if (accountId is null)
        {
            victim = Customers[rng.Next(Customers.Count)];
        }
        else if (!_byAccountId.TryGetValue(accountId, out victim))
        {
            throw new ArgumentException($"'{accountId}' is not an account of this simulation", nameof(accountId));
        }

        var incident = Incident.Create(scenario, NextIncidentId(), victim, rng);
        _injected.Enqueue(incident);
        return new FraudIncident(incident.Id, scenario, victim.AccountId);
    }

    /// <summary>
    /// A transaction of <paramref name="account"/>. A shop locates it (card present); otherwise <paramref name="at"/>
    /// does (online banking), or nothing does (card not present) and the country is the merchant's or the account's.
    /// </summary>
    public Transaction Transaction(Customer account, long atMs, decimal amount, TransactionType type, Channel channel, Merchant? merchant = null,
        string? counterpartyId = null, string? deviceId = null, Spot? at = null)
    {
        if (merchant?.City is not null)
        {
            at = new Spot(merchant.Country, merchant.Latitude, merchant.Longitude);
        }

        var (before, after) = account.Book(amount, type);
        return new Transaction
        {
            TransactionId = NextTransactionId(),
            AccountId = account.AccountId,
            EventTime = DateTimeOffset.FromUnixTimeMilliseconds(atMs),
            Amount = amount,
            Currency = account.Currency,
            Type = type,
            Channel = channel,
            MerchantId = merchant?.Id,
            MerchantName = merchant?.Name,
            MerchantCategory = merchant?.Category.Mcc,
            CounterpartyId = counterpartyId,
            Country = at?.Country ?? merchant?.Country ?? account.Home.Country,
            Latitude = at?.Latitude,
            Longitude = at?.Longitude,
            DeviceId = deviceId,
            BalanceBefore = before,
            BalanceAfter = after,
        };
    }

    /// <summary>Where IP geolocation puts a session in <paramref name="city"/>: near the centre, to two decimals.</summary>
    public static Spot IpLocation(City city, Rng rng) =>
        new(city.Country, Math.Round(city.Latitude + rng.Between(-0.05, 0.05), 2), Math.Round(city.Longitude + rng.Between(-0.05, 0.05), 2));

    private string NextTransactionId()
    {
        var sequence = ++_sequence;
        var digits = 1;
        for (var rest = sequence / 10; rest > 0; rest /= 10)
        {
            digits++;
        }

        return string.Create(_idPrefix.Length + digits, (_idPrefix, sequence), static (span, state) =>
        {
            state._idPrefix.CopyTo(span);
            state.sequence.TryFormat(span[state._idPrefix.Length..], out _, default, CultureInfo.InvariantCulture);
        });
    }

    /// <summary>Eight hex digits from the seed and the start: runs that differ in either never share a transaction id.</summary>
    private static string RunTag(int seed, long startMs)
    {
        var x = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ (ulong)startMs;
        x = (x ^ (x >> 31)) * 0xBF58476D1CE4E5B9UL;
        x ^= x >> 29;
        return ((uint)x).ToString("x8", CultureInfo.InvariantCulture);
    }
}

/// <summary>Starts fraud incidents as a Poisson process: a random scenario against a random account.</summary>
internal sealed class FraudInjector(double meanGapMs) : Agent
{
    private ulong _started;

    public void Begin(long startMs, Rng rng) => DueMs = startMs + Gap(rng);

    public override AgentStep Act(Simulation simulation)
    {
        var rng = simulation.Rng;
        var scenario = FraudScenarios.All[rng.Next(FraudScenarios.All.Count)];
        var victim = simulation.Customers[rng.Next(simulation.Customers.Count)];
        var incident = Incident.Create(scenario, simulation.NextIncidentId(), victim, Rng.For(simulation.Seed, stream: 4, ++_started));
        incident.Begin(simulation, onDemand: false);
        DueMs += Gap(rng);
        return AgentStep.Silent;
    }

    private long Gap(Rng rng) => Gap(rng.Exponential() * meanGapMs);
}
