using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Tests;

public sealed class Fraud_on_demand
{
    /// <summary>No fraud of its own: every labelled record comes from an injection.</summary>
    private static readonly SimulatorOptions Quiet = Traffic.Realistic(5_000, seed: 3, fraudShare: 0);

    [Theory]
    [InlineData(FraudScenario.LargeAmount)]
    [InlineData(FraudScenario.VelocityBurst)]
    [InlineData(FraudScenario.ImpossibleTravel)]
    [InlineData(FraudScenario.CardTesting)]
    [InlineData(FraudScenario.AccountTakeover)]
    [InlineData(FraudScenario.MulePassThrough)]
    public void An_injected_incident_starts_within_minutes_of_event_time_on_its_account_with_its_labels(FraudScenario scenario)
    {
        var simulator = new TrafficSimulator(Quiet);
        var records = simulator.Records().Take(20_000).ToList();
        var injectedAt = simulator.Clock;

        var incident = simulator.Inject(scenario);
        records.AddRange(simulator.Records().Take(10_000));

        var ours = records.Where(r => r.Label is not null).ToList();
        Assert.NotEmpty(ours);
        Assert.InRange(ours[0].Transaction!.EventTime - injectedAt, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Assert.All(ours, r => Assert.Equal((incident.Id, incident.AccountId, scenario), (r.Label!.IncidentId, r.Key, r.Label.Scenario)));
        Assert.Contains(ours, r => r.Label!.Decisive);
    }

    [Theory]
    [InlineData(FraudScenario.CardTesting)]
    [InlineData(FraudScenario.ImpossibleTravel)]
    public void The_default_rules_flag_every_decisive_transaction_of_injected_card_tests_and_impossible_journeys(FraudScenario scenario)
    {
        var simulator = new TrafficSimulator(Quiet);
        var records = new List<SimulatedRecord>();
        var incidents = new List<FraudIncident>();
        for (var i = 0; i < 20; i++)
        {
            records.AddRange(simulator.Records().Take(2_000));
            incidents.Add(simulator.Inject(scenario));
        }

        records.AddRange(simulator.Records().Take(60_000)); // two days: a victim not yet seen in person is, by then

        var verdicts = RuleEngine.Replay(records.Select(r => r.Transaction!), RuleSet.Default).ToDictionary(v => v.TransactionId);
        var decisive = records.Where(r => r.Label is { Decisive: true }).ToList();
        Assert.Equal(incidents.Select(i => i.Id).Order(), decisive.Select(r => r.Label!.IncidentId).Order());
        Assert.All(decisive, r => Assert.True(verdicts[r.Transaction!.TransactionId].Flagged, $"{r.Label} not flagged"));
    }

    [Fact]
    public void Fraud_can_be_aimed_at_one_account_and_not_at_a_stranger()
    {
        var simulator = new TrafficSimulator(Quiet);
        var target = simulator.AccountIds[42];

        var incident = simulator.Inject(FraudScenario.LargeAmount, target);

        Assert.Equal(target, incident.AccountId);
        Assert.Equal(target, simulator.Records().First(r => r.Label is not null).Key);
        Assert.Throws<ArgumentException>(() => simulator.Inject(FraudScenario.LargeAmount, "DE00NOTANACCOUNT"));
        Assert.Throws<ArgumentOutOfRangeException>(() => simulator.Inject((FraudScenario)99));
    }

    [Fact]
    public void Injecting_changes_nothing_but_adding_the_incident()
    {
        var plain = new TrafficSimulator(Quiet).Transactions().Take(30_000).ToList();
        var injected = new TrafficSimulator(Quiet);
        var withFraud = injected.Transactions().Take(10_000).ToList();
        injected.Inject(FraudScenario.CardTesting);
        withFraud.AddRange(injected.Transactions().Take(20_010));

        // Later ids move on by the incident's transactions, and the victim's ledger by its amounts; everything else
        // is the same.
        var victims = withFraud.Where(t => t.IsFraud).Select(t => t.Transaction.AccountId).ToHashSet();
        Transaction Anonymous(SimulatedTransaction t) => t.Transaction with
        {
            TransactionId = "",
            BalanceBefore = victims.Contains(t.Transaction.AccountId) ? null : t.Transaction.BalanceBefore,
            BalanceAfter = victims.Contains(t.Transaction.AccountId) ? null : t.Transaction.BalanceAfter,
        };
        Assert.Equal(plain.Select(Anonymous), withFraud.Where(t => !t.IsFraud).Take(30_000).Select(Anonymous));
        Assert.InRange(withFraud.Count(t => t.IsFraud), 4, 9);
    }

    [Fact]
    public async Task Other_threads_may_inject_while_one_generates()
    {
        var simulator = new TrafficSimulator(Quiet);
        var generator = Task.Run(() => simulator.Records().Take(60_000).ToList());
        var incidents = Enumerable.Range(0, 4).AsParallel()
            .SelectMany(_ => Enumerable.Range(0, 50).Select(_ => simulator.Inject(FraudScenario.LargeAmount)))
            .ToList();
        var generated = await generator;
        generated.AddRange(simulator.Records().Take(500));

        Assert.Equal(200, incidents.Select(i => i.Id).Distinct().Count());
        Assert.Equal(incidents.Select(i => i.Id).ToHashSet(), generated.Where(r => r.Label is not null).Select(r => r.Label!.IncidentId).ToHashSet());
    }
}
