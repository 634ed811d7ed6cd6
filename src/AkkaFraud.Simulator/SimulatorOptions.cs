using AkkaFraud.Domain;

namespace AkkaFraud.Simulator;

/// <summary>
/// What to simulate. The same options give the same records, byte for byte. Customers behave like customers as long
/// as <see cref="TransactionsPerAccountPerDay"/> stays realistic (about 1–20): at a thousand a day, an honest customer
/// would look like a velocity burst.
/// </summary>
public sealed record SimulatorOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>How many customer accounts (each with a home city, currency, spending profile and devices).</summary>
    public int Accounts { get; init; } = 10_000;

    /// <summary>How many merchants: a fifth online, one in a hundred billers, the rest shops and ATMs across the cities.</summary>
    public int Merchants { get; init; } = 5_000;

    /// <summary>
    /// Event time of the simulation's beginning (whole milliseconds are kept). A fixed date by default, never the wall
    /// clock: pass <c>timeProvider.GetUtcNow()</c> to start at "now".
    /// </summary>
    public DateTimeOffset Start { get; init; } = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Mean transactions per second of event time, fraud included. The day/night rhythm varies it around the mean.</summary>
    public double EventsPerSecond { get; init; } = 0.5;

    /// <summary>Share of transactions that are fraud (the incidents are started to match it on average).</summary>
    public double FraudShare { get; init; } = 0.005;

    /// <summary>Share of records that are invalid, each with the rejection code it must get; they add to the transactions.</summary>
    public double InvalidShare { get; init; } = 0.001;

    public double TransactionsPerAccountPerDay => EventsPerSecond * 86_400 / Accounts;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Accounts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Accounts), Accounts, "at least one account is needed");
        }

        if (Merchants < 200)
        {
            throw new ArgumentOutOfRangeException(nameof(Merchants), Merchants, "at least 200 merchants are needed, so that every city has shops and an ATM");
        }

        if (Start < ParserLimits.Default.MinEventTime)
        {
            throw new ArgumentOutOfRangeException(nameof(Start), Start, $"event times before {ParserLimits.Default.MinEventTime:O} are invalid");
        }

        if (!double.IsFinite(EventsPerSecond) || EventsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EventsPerSecond), EventsPerSecond, "must be positive");
        }

        if (FraudShare is not (>= 0 and <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(FraudShare), FraudShare, "must lie in [0, 0.5]");
        }

        if (InvalidShare is not (>= 0 and <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(InvalidShare), InvalidShare, "must lie in [0, 0.5]");
        }
    }
}
