using AkkaFraud.Domain;
using CsCheck;

namespace AkkaFraud.Domain.Tests;

/// <summary>
/// The engine against brute-force twins (<see cref="NaiveAccount"/>): naive searches over every earlier transaction,
/// for random sequences with out-of-order events, re-sent duplicates, and events later than the allowed lateness.
/// </summary>
public sealed class EngineProperties
{
    private const int LatenessSeconds = 300;

    // MaxCount 0 and MinSmallCount 1 make the rules fire whenever anything is in the window, so the reason's
    // Observed value is the engine's count for every transaction and can be compared with the naive one.
    private static readonly VelocityRule CountEverything = new() { Id = "count", Weight = 1, WindowSeconds = 600, MaxCount = 0 };
    private static readonly VelocityRule SumEverything = new() { Id = "sum", Weight = 1, WindowSeconds = 120, MaxSum = 0 };
    private static readonly CardTestingRule SmallBeforeLarge = new() { Id = "probe", Weight = 1, WindowSeconds = 240, MinSmallCount = 1, SmallAmount = 5, LargeAmount = 200 };

    private static readonly RuleSet Counting = new()
    {
        Version = 1,
        AllowedLatenessSeconds = LatenessSeconds,
        Rules = [CountEverything, SumEverything, SmallBeforeLarge],
    };

    private static readonly ImpossibleTravelRule Travel = new() { Id = "travel", Weight = 1, MaxSpeedKmh = 900, MinDistanceKm = 100 };

    // No windowed rule: the horizon is the lateness alone, so located transactions leave the state quickly and the
    // fallback to the newest location is exercised too.
    private static readonly RuleSet Travelling = new()
    {
        Version = 1,
        AllowedLatenessSeconds = LatenessSeconds,
        Rules = [Travel],
    };

    /// <summary>One step of a generated sequence: a new transaction, or a re-send of one of the last few.</summary>
    private readonly record struct Step(int AdvanceSeconds, int LateBySeconds, int AmountClass, int ResendBack, bool Located, double Lat, double Lon);

    // About one event in ten is later than the allowed lateness, some of them further back than the whole horizon.
    private static readonly Gen<int> LateBy =
        Gen.Frequency((9, Gen.Int[0, LatenessSeconds]), (1, Gen.Int[LatenessSeconds + 1, 2000]));

    private static readonly Gen<Step> StepGen =
        Gen.Select(Gen.Int[0, 40], LateBy, Gen.Int[0, 2], Gen.Frequency((8, Gen.Const(0)), (1, Gen.Int[1, 5])),
            Gen.Bool, Gen.Double[-60, 60], Gen.Double[-170, 170])
        .Select((advance, late, amount, resend, located, lat, lon) => new Step(advance, late, amount, resend, located, lat, lon));

    // Travel: minutes to hours apart, between places from next door to another continent, so the rule fires for some
    // hops and not for others; a third of the transactions carry no location.
    private static readonly (double Lat, double Lon)[] Places = [Tx.Berlin, Tx.Potsdam, Tx.Paris, Tx.NewYork, (52.6, 13.5), (48.1, 11.6)];

    private static readonly Gen<Step> TravelStepGen =
        Gen.Select(Gen.Frequency((1, Gen.Int[0, 600]), (1, Gen.Int[600, 4 * 3600])), LateBy, Gen.Frequency((8, Gen.Const(0)), (1, Gen.Int[1, 5])), Gen.Int[0, 2], Gen.Int[0, Places.Length - 1], Gen.Double[-0.2, 0.2])
        .Select((advance, late, resend, located, place, jitter) =>
            new Step(advance, late, 1, resend, located > 0, Places[place].Lat + jitter, Places[place].Lon - jitter));

    /// <summary>
    /// Turns steps into transactions. A step's lateness is behind the step clock, which the newest event time never
    /// passes: a step late by at most the allowed lateness is within it, a later one may be behind it.
    /// </summary>
    private static List<Transaction> Build(IEnumerable<Step> steps, string account = "a-1")
    {
        var transactions = new List<Transaction>();
        var clock = 0;
        foreach (var step in steps)
        {
            if (step.ResendBack > 0 && transactions.Count >= step.ResendBack)
            {
                transactions.Add(transactions[^step.ResendBack]);
                continue;
            }

            clock += step.AdvanceSeconds;
            var amount = step.AmountClass switch { 0 => 1.25m, 1 => 40m, _ => 250.5m };
            transactions.Add(Tx.Make($"{account}-t{transactions.Count}", account, clock - step.LateBySeconds, amount,
                at: step.Located ? (step.Lat, step.Lon) : null));
        }

        return transactions;
    }

    [Fact]
    public void Velocity_count_and_sum_equal_a_naive_count_over_all_earlier_transactions_in_the_window()
    {
        StepGen.List[1, 120].Sample(steps =>
        {
            var transactions = Build(steps);
            var verdicts = RuleEngine.Replay(transactions, Counting);
            var naive = new NaiveAccount(Counting);
            for (var i = 0; i < transactions.Count; i++)
            {
                var t = transactions[i];
                if (naive.IsDuplicate(t))
                {
                    Assert.True(verdicts[i].IsDuplicate);
                    continue;
                }

                Assert.False(verdicts[i].IsDuplicate);
                var inCountWindow = naive.InWindow(t, CountEverything.WindowSeconds);
                var inSumWindow = naive.InWindow(t, SumEverything.WindowSeconds);
                Assert.Equal(inCountWindow.Count + 1, verdicts[i].Reasons.Single(r => r.RuleId == "count").Observed);
                Assert.Equal(inSumWindow.Sum(a => a.Amount) + t.Amount, verdicts[i].Reasons.Single(r => r.RuleId == "sum").Observed);

                var probes = naive.InWindow(t, SmallBeforeLarge.WindowSeconds).Count(a => a.Amount <= SmallBeforeLarge.SmallAmount);
                var cardTesting = verdicts[i].Reasons.SingleOrDefault(r => r.RuleId == "probe");
                if (t.Amount >= SmallBeforeLarge.LargeAmount && probes >= 1)
                {
                    Assert.Equal(probes, cardTesting?.Observed);
                }
                else
                {
                    Assert.Null(cardTesting);
                }

                naive.Accept(t);
            }
        }, iter: 300);
    }

    [Fact]
    public void Previous_location_is_the_latest_earlier_located_transaction()
    {
        StepGen.List[1, 120].Sample(steps =>
        {
            var state = new AccountState();
            var naive = new NaiveAccount(Counting);
            foreach (var t in Build(steps))
            {
                Assert.Equal(naive.PreviousLocation(t.EventTimeMs), state.PreviousLocation(t.EventTimeMs));

                if (!RuleEngine.Apply(state, t, Counting).IsDuplicate)
                {
                    naive.Accept(t);
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void Impossible_travel_fires_exactly_when_the_speed_from_the_previous_location_is_above_the_limit()
    {
        var fired = 0;
        var quiet = 0;
        TravelStepGen.List[1, 120].Sample(steps =>
        {
            var transactions = Build(steps);
            var verdicts = RuleEngine.Replay(transactions, Travelling);
            var naive = new NaiveAccount(Travelling);
            for (var i = 0; i < transactions.Count; i++)
            {
                var t = transactions[i];
                if (naive.IsDuplicate(t))
                {
                    Assert.True(verdicts[i].IsDuplicate);
                    continue;
                }

                Assert.False(verdicts[i].IsDuplicate);
                var expected = naive.ImpossibleTravelSpeed(t, Travel);
                var reason = verdicts[i].Reasons.SingleOrDefault(r => r.RuleId == Travel.Id);
                Assert.Equal(expected, reason?.Observed);
                if (expected is null)
                {
                    quiet += t.HasLocation ? 1 : 0;
                }
                else
                {
                    fired++;
                }

                naive.Accept(t);
            }
        }, iter: 300, threads: 1);

        // Both outcomes were really exercised, not one of them only.
        Assert.True(fired > 500 && quiet > 500, $"fired {fired}, located and quiet {quiet}");
    }

    [Fact]
    public void The_generated_sequences_hold_events_later_than_the_allowed_lateness_and_beyond_the_horizon()
    {
        var (late, beyondHorizon, total) = (0, 0, 0);
        StepGen.List[1, 120].Sample(steps =>
        {
            long newest = long.MinValue;
            foreach (var t in Build(steps))
            {
                total++;
                late += newest != long.MinValue && t.EventTimeMs < newest - (LatenessSeconds * 1000L) ? 1 : 0;
                beyondHorizon += newest != long.MinValue && t.EventTimeMs < newest - Counting.HorizonMs ? 1 : 0;
                newest = Math.Max(newest, t.EventTimeMs);
            }
        }, iter: 300, threads: 1);

        Assert.True(late > total / 50 && beyondHorizon > total / 200, $"{late} late and {beyondHorizon} beyond the horizon of {total}");
    }

    [Fact]
    public void Replay_is_deterministic_and_independent_of_how_accounts_interleave()
    {
        var accounts = StepGen.List[1, 40].Array[1, 5];
        Gen.Select(accounts, Gen.Int).Sample((perAccount, shuffleSeed) =>
        {
            var sequences = perAccount.Select((steps, i) => Build(steps, $"a-{i}")).ToArray();
            var inOrder = sequences.SelectMany(s => s).ToList();
            var interleaved = Interleave(sequences, new Random(shuffleSeed));

            var byAccountInOrder = Group(inOrder, RuleEngine.Replay(inOrder, RuleSet.Default));
            var byAccountInterleaved = Group(interleaved, RuleEngine.Replay(interleaved, RuleSet.Default));
            var again = Group(inOrder, RuleEngine.Replay(inOrder, RuleSet.Default));

            Assert.Equal(byAccountInOrder.Keys.Order(), byAccountInterleaved.Keys.Order());
            foreach (var (account, verdicts) in byAccountInOrder)
            {
                Assert.Equal(verdicts, byAccountInterleaved[account]);
                Assert.Equal(verdicts, again[account]);
            }
        }, iter: 200);
    }

    [Fact]
    public void A_checkpoint_taken_anywhere_continues_exactly_like_the_uninterrupted_account()
    {
        Gen.Select(StepGen.List[2, 120], Gen.Int[0, 1000]).Sample((steps, cutSeed) =>
        {
            var transactions = Build(steps);
            var cut = cutSeed % transactions.Count;
            var continuous = RuleEngine.Replay(transactions, Counting);

            var state = new AccountState();
            var verdicts = new List<Verdict>();
            for (var i = 0; i < transactions.Count; i++)
            {
                if (i == cut)
                {
                    state = AccountState.FromBytes(state.ToBytes());
                }

                verdicts.Add(RuleEngine.Apply(state, transactions[i], Counting));
            }

            Assert.Equal(continuous, verdicts);
        }, iter: 300);
    }

    private static List<Transaction> Interleave(List<Transaction>[] sequences, Random random)
    {
        var positions = new int[sequences.Length];
        var result = new List<Transaction>();
        while (result.Count < sequences.Sum(s => s.Count))
        {
            var pick = random.Next(sequences.Length);
            if (positions[pick] < sequences[pick].Count)
            {
                result.Add(sequences[pick][positions[pick]++]);
            }
        }

        return result;
    }

    private static Dictionary<string, List<Verdict>> Group(List<Transaction> order, IReadOnlyList<Verdict> verdicts) =>
        order.Zip(verdicts).GroupBy(x => x.First.AccountId).ToDictionary(g => g.Key, g => g.Select(x => x.Second).ToList());
}
