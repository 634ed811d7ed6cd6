using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Tests;

/// <summary>Simulator set-ups the tests share; the big sample is generated once per test run.</summary>
internal static class Traffic
{
    /// <summary>Options for <paramref name="accounts"/> customers making five payments a day each, as real ones do.</summary>
    public static SimulatorOptions Realistic(int accounts, int seed = 7, double fraudShare = 0.02, double invalidShare = 0) => new()
    {
        Seed = seed,
        Accounts = accounts,
        EventsPerSecond = accounts * 5 / 86_400.0,
        FraudShare = fraudShare,
        InvalidShare = invalidShare,
    };

    private static readonly Lazy<IReadOnlyList<SimulatedTransaction>> LargeSample =
        new(() => [.. new TrafficSimulator(Realistic(20_000)).Transactions().Take(200_000)]);

    /// <summary>200,000 transactions of 20,000 accounts (two days), 2% fraud: every scenario well represented.</summary>
    public static IReadOnlyList<SimulatedTransaction> Sample => LargeSample.Value;

    private static readonly Lazy<IReadOnlyList<SimulatedTransaction>> HistorySample =
        new(() => [.. new TrafficSimulator(Realistic(4_000, seed: 9)).Transactions().Take(400_000)]);

    /// <summary>
    /// 400,000 transactions of 4,000 accounts (twenty days), 2% fraud: long enough that accounts have a history (their
    /// payees, devices and habits) before the part a detection measurement counts, as a bank's accounts do.
    /// </summary>
    public static IReadOnlyList<SimulatedTransaction> WithHistory => HistorySample.Value;

    public static IEnumerable<FraudLabel> Labels(this IEnumerable<SimulatedTransaction> transactions) =>
        transactions.Where(t => t.Label is not null).Select(t => t.Label!);

    public static IEnumerable<Transaction> Only(this IEnumerable<SimulatedTransaction> transactions) => transactions.Select(t => t.Transaction);
}
