using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

/// <summary>
/// The brute-force twin of <see cref="AccountState"/>: every accepted transaction in a plain list, searched in full for
/// each question. It models what is documented. A transaction no further than <see cref="RuleSet.AllowedLatenessSeconds"/>
/// behind the account's newest is scored against complete history (README, "Rules and verdicts"). Anything later is
/// scored against what the state retains: the transactions no older than the newest minus <see cref="RuleSet.HorizonMs"/>
/// (<see cref="AccountState"/>: "enough history for the longest rule window plus the allowed lateness"); a re-send is
/// recognised only while its first copy is retained (<see cref="AccountState.Contains"/>), and the previous location
/// falls back to the newest one ever seen (<see cref="AccountState.PreviousLocation"/>).
/// </summary>
internal sealed class NaiveAccount(RuleSet ruleSet)
{
    private readonly List<Transaction> _accepted = [];
    private long _newestMs = long.MinValue;

    /// <summary>Whether <paramref name="t"/> is within the allowed lateness of the newest transaction accepted so far.</summary>
    public bool IsWithinLateness(Transaction t) =>
        _newestMs == long.MinValue || t.EventTimeMs >= _newestMs - (ruleSet.AllowedLatenessSeconds * 1000L);

    /// <summary>The history <paramref name="t"/> is scored against: all of it within the lateness, the retained part after.</summary>
    public IReadOnlyList<Transaction> HistoryFor(Transaction t) => IsWithinLateness(t) ? _accepted : Retained();

    /// <summary>Every transaction accepted, in the order accepted.</summary>
    public IReadOnlyList<Transaction> Accepted => _accepted;

    public bool IsDuplicate(Transaction t) => Retained().Any(a => a.TransactionId == t.TransactionId);

    /// <summary>Accepted transactions with event time in (t − window, t] of the history <paramref name="t"/> is scored against.</summary>
    public List<Transaction> InWindow(Transaction t, int windowSeconds) =>
        [.. HistoryFor(t).Where(a => a.EventTimeMs > t.EventTimeMs - (windowSeconds * 1000L) && a.EventTimeMs <= t.EventTimeMs)];

    /// <summary>
    /// The latest retained located transaction at or before <paramref name="eventTimeMs"/> (among equal times the one
    /// accepted last); else the newest located one ever accepted, if it is not after <paramref name="eventTimeMs"/>.
    /// </summary>
    public AccountState.Location? PreviousLocation(long eventTimeMs)
    {
        var retained = Latest(Retained().Where(a => a.HasLocation && a.EventTimeMs <= eventTimeMs));
        var newest = Latest(_accepted.Where(a => a.HasLocation));
        var found = retained ?? (newest is not null && newest.EventTimeMs <= eventTimeMs ? newest : null);
        return found is null ? null : new AccountState.Location(found.EventTimeMs, found.Latitude!.Value, found.Longitude!.Value);
    }

    /// <summary>
    /// What <see cref="ImpossibleTravelRule"/> must say about <paramref name="t"/>, worked out by hand from the previous
    /// location: null when it must not fire, else the speed (km/h) it must report.
    /// </summary>
    public decimal? ImpossibleTravelSpeed(Transaction t, ImpossibleTravelRule rule)
    {
        if (!t.HasLocation || PreviousLocation(t.EventTimeMs) is not { } previous)
        {
            return null;
        }

        var km = Geo.HaversineKm(previous.Latitude, previous.Longitude, t.Latitude!.Value, t.Longitude!.Value);
        if (km < (double)rule.MinDistanceKm)
        {
            return null;
        }

        var hours = Math.Max(1000, t.EventTimeMs - previous.EventTimeMs) / 3_600_000.0;
        var kmh = km / hours;
        return kmh > (double)rule.MaxSpeedKmh ? (kmh >= 1e12 ? 1e12m : Math.Round((decimal)kmh, 1)) : null;
    }

    public void Accept(Transaction t)
    {
        _accepted.Add(t);
        _newestMs = Math.Max(_newestMs, t.EventTimeMs);
    }

    private List<Transaction> Retained() => [.. _accepted.Where(a => a.EventTimeMs >= _newestMs - ruleSet.HorizonMs)];

    private static Transaction? Latest(IEnumerable<Transaction> located) =>
        located.Select((a, order) => (a, order)).OrderBy(x => x.a.EventTimeMs).ThenBy(x => x.order).Select(x => x.a).LastOrDefault();
}
