namespace AkkaFraud.Node.Hosting;

/// <summary>The simulator's settings (section <c>Simulator</c>).</summary>
internal sealed record SimulatorSettings
{
    public const int MaxTransactionsPerSecond = 20_000;

    /// <summary>On by default in embedded mode, off in cluster mode.</summary>
    public bool Enabled { get; init; }

    /// <summary>Mean transactions per second (the simulated bank's day/night rhythm varies it around the mean); 0 pauses.</summary>
    public double TransactionsPerSecond { get; init; } = 200;

    /// <summary>Simulated customer accounts: with the rate, this sets how often one customer pays (keep it to a few dozen a day).</summary>
    public int Accounts { get; init; } = 200_000;

    public int Seed { get; init; } = 1;

    public double FraudShare { get; init; } = 0.01;

    public double InvalidShare { get; init; } = 0.001;
}
