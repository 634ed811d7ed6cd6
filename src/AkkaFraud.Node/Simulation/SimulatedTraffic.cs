using System.Diagnostics;
using System.Text;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Simulator;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Node.Simulation;

/// <summary>
/// The embedded mode's traffic: the seeded simulator's records produced to the transactions topic at the pace of their
/// event times, which follow the wall clock (the simulated bank's day/night rhythm varies the rate around the mean).
/// A new rate starts a new simulator run at "now" with the same seed, so the same customers keep paying, with fresh
/// transaction ids. Fraud can be injected on demand.
/// </summary>
internal sealed class SimulatedTraffic(NodeSettings settings, KafkaSettings kafka, TimeProvider clock, ILogger<SimulatedTraffic> log) : BackgroundService
{
    private static readonly TimeSpan FirstTransactionWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FollowUpWait = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, IncidentWatch> _watches = [];
    private readonly SemaphoreSlim _rateChange = new(1, 1);
    private TrafficSimulator? _simulator;
    private double _rate = settings.Simulator.TransactionsPerSecond;
    private long _produced;

    private sealed class IncidentWatch
    {
        public List<string> TransactionIds { get; } = [];

        public TaskCompletionSource First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public SimulatorStatusDto Status
    {
        get
        {
            lock (_gate)
            {
                return new SimulatorStatusDto(_rate > 0 && _simulator is not null, _rate, Interlocked.Read(ref _produced));
            }
        }
    }

    /// <summary>Changes the mean rate; 0 pauses. A new run of the simulator starts at the current time.</summary>
    public async Task SetRateAsync(double transactionsPerSecond, CancellationToken cancellationToken)
    {
        await _rateChange.WaitAsync(cancellationToken);
        try
        {
            var simulator = transactionsPerSecond > 0 ? await Task.Run(() => Create(transactionsPerSecond), cancellationToken) : null;
            lock (_gate)
            {
                _rate = transactionsPerSecond;
                if (simulator is not null)
                {
                    _simulator = simulator;
                }
            }

            if (log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation("Simulator rate set to {Rate} transactions/s", transactionsPerSecond);
            }
        }
        finally
        {
            _rateChange.Release();
        }
    }

    /// <summary>
    /// Starts a fraud incident and answers with the ids of its transactions produced so far: the first within a few
    /// seconds for most scenarios; scenarios that unfold over minutes (a velocity burst, account takeover, impossible
    /// travel) add more later, all on the same account.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="accountId"/> is not a simulated account.</exception>
    /// <exception cref="SimulatorUnavailableException">The simulator is paused or still starting.</exception>
    public async Task<InjectResponse> InjectAsync(FraudScenario scenario, string? accountId, CancellationToken cancellationToken)
    {
        IncidentWatch watch;
        FraudIncident incident;
        lock (_gate)
        {
            if (_simulator is null || _rate <= 0)
            {
                throw new SimulatorUnavailableException(_simulator is null
                    ? "the simulator is still starting; try again in a few seconds"
                    : "the simulator is paused (rate 0); set a rate with PUT /api/simulator/rate first");
            }

            incident = _simulator.Inject(scenario, accountId);
            watch = new IncidentWatch();
            _watches[incident.Id] = watch;
        }

        try
        {
            await Task.WhenAny(watch.First.Task, Task.Delay(FirstTransactionWait, clock, cancellationToken));
            if (watch.First.Task.IsCompleted)
            {
                await Task.Delay(FollowUpWait, clock, cancellationToken);
            }
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(incident.Id);
            }
        }

        lock (_gate)
        {
            return new InjectResponse(incident.AccountId, [.. watch.TransactionIds]);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_rate > 0)
        {
            await SetRateAsync(_rate, stoppingToken);
        }

        using var producer = KafkaProducer.Create(kafka);
        SimulatedRecord? pending = null;
        TrafficSimulator? source = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            TrafficSimulator? current;
            double rate;
            lock (_gate)
            {
                (current, rate) = (_simulator, _rate);
            }

            if (current is null || rate <= 0)
            {
                pending = null;
                await Task.Delay(TimeSpan.FromMilliseconds(100), clock, stoppingToken);
                continue;
            }

            if (!ReferenceEquals(current, source))
            {
                (source, pending) = (current, null);
            }

            pending ??= current.NextRecord();
            var due = current.Clock - clock.GetUtcNow();
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due < TimeSpan.FromMilliseconds(50) ? due : TimeSpan.FromMilliseconds(50), clock, stoppingToken);
                continue;
            }

            Produce(producer, pending, stoppingToken);
            Watch(pending);
            pending = null;
        }

        producer.Flush(TimeSpan.FromSeconds(5));
    }

    private void Produce(IProducer<byte[]?, byte[]?> producer, SimulatedRecord record, CancellationToken stoppingToken)
    {
        var message = new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(record.Key),
            Value = record.Value,
            Timestamp = new Timestamp(record.Timestamp),
        };
        while (true)
        {
            try
            {
                producer.Produce(kafka.TransactionsTopic, message, report =>
                {
                    if (report.Error.IsError)
                    {
                        log.LogWarning("A simulated record could not be delivered: {Reason}", report.Error.Reason);
                    }
                });
                Interlocked.Increment(ref _produced);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull && !stoppingToken.IsCancellationRequested)
            {
                producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private void Watch(SimulatedRecord record)
    {
        if (record.Label is not { } label)
        {
            return;
        }

        lock (_gate)
        {
            if (_watches.TryGetValue(label.IncidentId, out var watch))
            {
                watch.TransactionIds.Add(label.TransactionId);
                watch.First.TrySetResult();
            }
        }
    }

    private TrafficSimulator Create(double transactionsPerSecond)
    {
        var started = Stopwatch.GetTimestamp();
        var options = new SimulatorOptions
        {
            Seed = settings.Simulator.Seed,
            Accounts = settings.Simulator.Accounts,
            EventsPerSecond = transactionsPerSecond,
            FraudShare = settings.Simulator.FraudShare,
            InvalidShare = settings.Simulator.InvalidShare,
            Start = clock.GetUtcNow(),
        };
        var simulator = new TrafficSimulator(options);
        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("Simulator ready: {Accounts} accounts, {Rate} transactions/s on average ({PerDay:0.#} per account and day), built in {Elapsed:0} ms",
            options.Accounts, transactionsPerSecond, options.TransactionsPerAccountPerDay, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return simulator;
    }

    public override void Dispose()
    {
        _rateChange.Dispose();
        base.Dispose();
    }
}
