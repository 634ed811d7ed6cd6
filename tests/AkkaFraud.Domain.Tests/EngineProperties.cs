using AkkaFraud.Domain;
using CsCheck;

namespace AkkaFraud.Domain.Tests;

/// <summary>
/// The engine against brute-force twins: naive counts over every earlier transaction, for random sequences with
/// out-of-order events (within the allowed lateness) and re-sent duplicates.
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

    /// <summary>One step of a generated sequence: a new transaction, or a re-send of one of the last few.</summary>
    private readonly record struct Step(int AdvanceSeconds, int LateBySeconds, int AmountClass, int ResendBack, bool Located, double Lat, double Lon);

    private static readonly Gen<Step> StepGen =
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, LatenessSeconds], Gen.Int[0, 2], Gen.Frequency((8, Gen.Const(0)), (1, Gen.Int[1, 5])),
            Gen.Bool, Gen.Double[-60, 60], Gen.Double[-170, 170])
        .Select((advance, late, amount, resend, located, lat, lon) => new Step(advance, late, amount, resend, located, lat, lon));

    /// <summary>Turns steps into transactions. Event times never fall further behind the newest than the allowed lateness.</summary>
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
            var accepted = new List<Transaction>();
            for (var i = 0; i < transactions.Count; i++)
            {
                var t = transactions[i];
                if (accepted.Any(a => a.TransactionId == t.TransactionId))
                {
                    Assert.True(verdicts[i].IsDuplicate);
                    continue;
                }

                Assert.False(verdicts[i].IsDuplicate);
                var inCountWindow = accepted.Where(a => InWindow(a, t, CountEverything.WindowSeconds)).ToList();
                var inSumWindow = accepted.Where(a => InWindow(a, t, SumEverything.WindowSeconds)).ToList();
                Assert.Equal(inCountWindow.Count + 1, verdicts[i].Reasons.Single(r => r.RuleId == "count").Observed);
                Assert.Equal(inSumWindow.Sum(a => a.Amount) + t.Amount, verdicts[i].Reasons.Single(r => r.RuleId == "sum").Observed);

                var probes = accepted.Count(a => InWindow(a, t, SmallBeforeLarge.WindowSeconds) && a.Amount <= SmallBeforeLarge.SmallAmount);
                var cardTesting = verdicts[i].Reasons.SingleOrDefault(r => r.RuleId == "probe");
                if (t.Amount >= SmallBeforeLarge.LargeAmount && probes >= 1)
                {
                    Assert.Equal(probes, cardTesting?.Observed);
                }
                else
                {
                    Assert.Null(cardTesting);
                }

                accepted.Add(t);
            }
        }, iter: 300);
    }

    [Fact]
    public void Previous_location_is_the_latest_earlier_located_transaction()
    {
        StepGen.List[1, 120].Sample(steps =>
        {
            var state = new AccountState();
            var accepted = new List<Transaction>();
            foreach (var t in Build(steps))
            {
                var naive = accepted.Where(a => a.HasLocation && a.EventTimeMs <= t.EventTimeMs)
                    .Select((a, order) => (a, order)).OrderBy(x => x.a.EventTimeMs).ThenBy(x => x.order).Select(x => x.a).LastOrDefault();
                var found = state.PreviousLocation(t.EventTimeMs);
                Assert.Equal(naive is null ? null : new AccountState.Location(naive.EventTimeMs, naive.Latitude!.Value, naive.Longitude!.Value), found);

                if (!RuleEngine.Apply(state, t, Counting).IsDuplicate)
                {
                    accepted.Add(t);
                }
            }
        }, iter: 300);
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

    private static bool InWindow(Transaction earlier, Transaction t, int windowSeconds) =>
        earlier.EventTimeMs > t.EventTimeMs - (windowSeconds * 1000L) && earlier.EventTimeMs <= t.EventTimeMs;

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
