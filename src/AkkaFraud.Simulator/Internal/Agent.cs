using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Internal;

/// <summary>
/// Something that acts at points of event time: a customer, a fraud incident, the process that starts incidents.
/// The simulation always lets the agent with the earliest <see cref="DueMs"/> act next, so the transactions come out
/// in event-time order.
/// </summary>
internal abstract class Agent
{
    /// <summary>Beyond any simulated future: gaps are capped so that event time never overflows.</summary>
    public const long MaxGapMs = 100L * 365 * 86_400_000;

    /// <summary>Event time of the next action, Unix milliseconds.</summary>
    public long DueMs { get; set; }

    /// <summary>Order of creation, set by the <see cref="Agenda"/> when first scheduled: breaks ties in due time.</summary>
    public long Ordinal { get; set; }

    /// <summary>A gap in event time of <paramref name="ms"/> milliseconds, at least 1, at most <see cref="MaxGapMs"/>.</summary>
    public static long Gap(double ms) => ms >= MaxGapMs ? MaxGapMs : Math.Max(1, (long)ms);

    /// <summary>Acts at <see cref="DueMs"/>: emits at most one transaction, then moves <see cref="DueMs"/> on or is done.</summary>
    public abstract AgentStep Act(Simulation simulation);
}

internal readonly record struct AgentStep(Transaction? Transaction, FraudLabel? Label, bool Done)
{
    /// <summary>Acted without a transaction, and stays.</summary>
    public static AgentStep Silent => default;
}

/// <summary>When in the day people pay: quiet nights, a lunch peak, the busiest hours in the early evening (local time).</summary>
internal static class DailyRhythm
{
    private static readonly double[] Weights = Normalised(
    [
        0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.60, 0.90, 1.10, 1.25, 1.40,
        1.60, 1.50, 1.35, 1.35, 1.45, 1.65, 1.80, 1.70, 1.40, 1.05, 0.70, 0.40,
    ]);

    /// <summary>The busiest hour's weight (the mean weight is 1).</summary>
    public static double Peak { get; } = Weights.Max();

    /// <summary>The weight of the local hour at <paramref name="utcMs"/> (times after 1970 only).</summary>
    public static double At(long utcMs, int utcOffsetMinutes) => Weights[(int)((utcMs + (utcOffsetMinutes * 60_000L)) / 3_600_000 % 24)];

    private static double[] Normalised(double[] weights)
    {
        var mean = weights.Average();
        return [.. weights.Select(w => w / mean)];
    }
}

/// <summary>Amounts as the bank books them: two decimals, never zero.</summary>
internal static class Money
{
    public static decimal Cents(double units)
    {
        var cents = Math.Max(1L, (long)Math.Round(units * 100, MidpointRounding.AwayFromZero));
        return new decimal(unchecked((int)cents), (int)(cents >> 32), 0, false, 2);
    }

    /// <summary>A multiple of <paramref name="step"/>, at least one step: what a cash machine pays out.</summary>
    public static decimal Whole(double units, int step) => Math.Max(1, (long)Math.Round(units / step)) * step;
}
