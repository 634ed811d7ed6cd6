namespace AkkaFraud.Simulator.Tests;

public sealed class Simulator_options
{
    public static TheoryData<SimulatorOptions, string> OutOfRange => new()
    {
        { new SimulatorOptions { Accounts = 0 }, nameof(SimulatorOptions.Accounts) },
        { new SimulatorOptions { Merchants = 199 }, nameof(SimulatorOptions.Merchants) },
        { new SimulatorOptions { Start = new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero) }, nameof(SimulatorOptions.Start) },
        { new SimulatorOptions { EventsPerSecond = 0 }, nameof(SimulatorOptions.EventsPerSecond) },
        { new SimulatorOptions { EventsPerSecond = double.PositiveInfinity }, nameof(SimulatorOptions.EventsPerSecond) },
        { new SimulatorOptions { FraudShare = -0.1 }, nameof(SimulatorOptions.FraudShare) },
        { new SimulatorOptions { FraudShare = double.NaN }, nameof(SimulatorOptions.FraudShare) },
        { new SimulatorOptions { InvalidShare = 0.9 }, nameof(SimulatorOptions.InvalidShare) },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Options_out_of_range_are_refused_naming_the_option(SimulatorOptions options, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TrafficSimulator(options));

        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void The_defaults_describe_customers_paying_a_few_times_a_day()
    {
        var options = new SimulatorOptions();

        Assert.InRange(options.TransactionsPerAccountPerDay, 1, 20);
        Assert.Equal(options.Accounts, new TrafficSimulator(options).AccountIds.Count);
    }

    [Fact]
    public void Start_may_come_from_a_time_provider_and_is_kept_to_the_millisecond()
    {
        var now = new DateTimeOffset(2027, 5, 17, 9, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        var clock = new FixedClock(now);

        var simulator = new TrafficSimulator(new SimulatorOptions { Start = clock.GetUtcNow() });

        Assert.Equal(now.ToUnixTimeMilliseconds(), simulator.Clock.ToUnixTimeMilliseconds());
        Assert.InRange(simulator.NextTransaction().Transaction.EventTime - now, TimeSpan.Zero, TimeSpan.FromHours(1));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
