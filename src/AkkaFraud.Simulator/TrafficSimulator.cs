using AkkaFraud.Domain;
using AkkaFraud.Simulator.Internal;

namespace AkkaFraud.Simulator;

/// <summary>
/// Seeded, reproducible card and account traffic of a simulated bank, with labelled fraud. Customers have homes,
/// currencies, spending habits and devices; they pay by the local time of day, now and then buy something big or
/// travel (at the speed of a train or a plane). Fraud incidents (<see cref="FraudScenario"/>) are injected at
/// <see cref="SimulatorOptions.FraudShare"/>, and <see cref="Inject"/> starts one on demand.
/// </summary>
/// <remarks>
/// A simulator is one run: <see cref="NextRecord"/>, <see cref="NextTransaction"/> and the enumerables all advance the
/// same stream, in event-time order, from <see cref="SimulatorOptions.Start"/>; nothing reads the wall clock. Drive it
/// from one thread; <see cref="Inject"/> alone may be called from any thread. Generating <see cref="Transactions"/>
/// does not serialise; <see cref="Records"/> adds the JSON, timestamps and invalid records, and holds the same
/// transactions in the same order.
/// </remarks>
public sealed class TrafficSimulator
{
    /// <summary>Records reach the topic this long after the event, at least.</summary>
    private const double MinDelayMs = 20;

    /// <summary>Mean of the exponential part of the transport delay; capped at <see cref="MaxDelayMs"/>.</summary>
    private const double MeanDelayMs = 150;

    private const double MaxDelayMs = 5_000;

    private readonly Simulation _simulation;
    private readonly InvalidRecords _invalid;
    private readonly Rng _records;
    private readonly double _invalidShare;
    private string[]? _accountIds;

    public TrafficSimulator(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _simulation = new Simulation(options);
        _records = Rng.For(options.Seed, stream: 6);
        _invalid = new InvalidRecords(_simulation, Rng.For(options.Seed, stream: 7));
        _invalidShare = options.InvalidShare;
    }

    public SimulatorOptions Options { get; }

    /// <summary>Event time of the latest transaction generated (the start before the first).</summary>
    public DateTimeOffset Clock => DateTimeOffset.FromUnixTimeMilliseconds(_simulation.ClockMs);

    /// <summary>The simulated accounts' ids (IBANs), in creation order.</summary>
    public IReadOnlyList<string> AccountIds => _accountIds ??= [.. _simulation.Customers.Select(c => c.AccountId)];

    /// <summary>The next transaction and its label, if fraud. Cheapest form: no serialisation, no invalid records.</summary>
    public SimulatedTransaction NextTransaction() => _simulation.Next();

    /// <summary>The next record for the <c>transactions</c> topic: valid (with its transaction and label) or invalid (with its defect).</summary>
    public SimulatedRecord NextRecord()
    {
        if (_invalidShare > 0 && _records.NextDouble() < _invalidShare)
        {
            return _invalid.Next(_simulation.ClockMs, Delayed(_simulation.ClockMs));
        }

        var (transaction, label) = _simulation.Next();
        return new SimulatedRecord
        {
            Key = transaction.AccountId,
            Value = TransactionJson.Serialize(transaction),
            Timestamp = Delayed(_simulation.ClockMs),
            Transaction = transaction,
            Label = label,
        };
    }

    /// <summary>Endless, lazily generated; take what you need.</summary>
    public IEnumerable<SimulatedTransaction> Transactions()
    {
        while (true)
        {
            yield return NextTransaction();
        }
    }

    /// <summary>Endless, lazily generated; take what you need.</summary>
    public IEnumerable<SimulatedRecord> Records()
    {
        while (true)
        {
            yield return NextRecord();
        }
    }

    /// <summary>
    /// Starts a fraud incident now, against <paramref name="accountId"/> or a random account. Its transactions follow
    /// within the next few records, labelled with the returned incident's id: at once for most scenarios; impossible
    /// travel strikes within minutes from the victim's last located payment when some city is far enough away to be
    /// impossible to reach in time, else right after the victim's next card-present payment. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="accountId"/> is not one of <see cref="AccountIds"/>.</exception>
    public FraudIncident Inject(FraudScenario scenario, string? accountId = null) => _simulation.Inject(scenario, accountId);

    private DateTimeOffset Delayed(long eventMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(eventMs + (long)Math.Min(MaxDelayMs, MinDelayMs + (MeanDelayMs * _records.Exponential())));
}
