using AkkaFraud.Domain;
using CsCheck;

namespace AkkaFraud.Domain.Tests;

/// <summary>
/// The state's answers for the counterparty, pass-through and profile rules against brute force over every earlier
/// transaction (<see cref="NaiveAccount"/>), for random sequences of deposits, transfers and purchases to a handful of
/// payees, devices and countries, with out-of-order events and re-sends.
/// </summary>
public sealed class ProfileProperties
{
    private const int LatenessSeconds = 300;
    private const int WindowSeconds = 900;

    // Rules only for their windows: the horizon must cover the window being asked about.
    private static readonly RuleSet Windows = new()
    {
        Version = 1,
        AllowedLatenessSeconds = LatenessSeconds,
        Rules = [new PassThroughRule { Id = "window", Weight = 1, WindowSeconds = WindowSeconds }],
    };

    private static readonly TransactionType[] Types = [TransactionType.Deposit, TransactionType.Transfer, TransactionType.Purchase, TransactionType.CashWithdrawal, TransactionType.Refund];

    private readonly record struct Step(int AdvanceSeconds, int LateBySeconds, int Type, int Amount, int Payee, int Device, int Country, bool Resend);

    private static readonly Gen<Step> StepGen =
        Gen.Select(Gen.Int[0, 200], Gen.Frequency((9, Gen.Int[0, LatenessSeconds]), (1, Gen.Int[LatenessSeconds + 1, 3000])), Gen.Int[0, Types.Length - 1],
                Gen.Int[1, 5000], Gen.Int[0, 6], Gen.Int[0, 3], Gen.Int[0, 4], Gen.Frequency((9, Gen.Const(false)), (1, Gen.Const(true))))
            .Select((advance, late, type, amount, payee, device, country, resend) => new Step(advance, late, type, amount, payee, device, country, resend));

    private static List<Transaction> Build(IEnumerable<Step> steps)
    {
        var transactions = new List<Transaction>();
        var clock = 0;
        foreach (var step in steps)
        {
            if (step.Resend && transactions.Count > 0)
            {
                transactions.Add(transactions[^1]);
                continue;
            }

            clock += step.AdvanceSeconds;
            transactions.Add(Tx.Make($"t{transactions.Count}", secondsAfterT0: clock - step.LateBySeconds, amount: step.Amount + 0.25m, type: Types[step.Type],
                counterparty: step.Payee == 0 ? null : $"p-{step.Payee}", device: step.Device == 0 ? null : $"d-{step.Device}", country: $"C{step.Country}"));
        }

        return transactions;
    }

    /// <summary>Runs the sequence through one state and the twin, asking both before each transaction is applied.</summary>
    private static void Compare(List<Transaction> transactions, Action<Transaction, AccountState, NaiveAccount> ask)
    {
        var state = new AccountState();
        var naive = new NaiveAccount(Windows);
        foreach (var t in transactions)
        {
            if (naive.IsDuplicate(t))
            {
                Assert.True(RuleEngine.Apply(state, t, Windows).IsDuplicate);
                continue;
            }

            ask(t, state, naive);
            RuleEngine.Apply(state, t, Windows);
            naive.Accept(t);
        }
    }

    [Fact]
    public void Distinct_values_in_the_window_equal_a_naive_distinct_count()
    {
        StepGen.List[1, 100].Sample(steps => Compare(Build(steps), (t, state, naive) =>
        {
            var window = naive.InWindow(t, WindowSeconds);
            var from = t.EventTimeMs - (WindowSeconds * 1000L);
            foreach (var dimension in Enum.GetValues<Dimension>())
            {
                var current = RuleDimensions.ValueOf(t, dimension);
                var expected = window.Select(a => RuleDimensions.ValueOf(a, dimension)).Append(current).OfType<string>().Distinct().Count();
                Assert.Equal(expected, state.DistinctIn(dimension, from, t.EventTimeMs, current));
            }
        }), iter: 300);
    }

    [Fact]
    public void Money_in_and_money_out_after_it_equal_naive_sums_over_the_window()
    {
        StepGen.List[1, 100].Sample(steps => Compare(Build(steps), (t, state, naive) =>
        {
            // Event-time order, arrival order among equal times: the order the state keeps.
            var window = naive.InWindow(t, WindowSeconds).Select((a, i) => (a, i)).OrderBy(x => x.a.EventTimeMs).ThenBy(x => x.i).Select(x => x.a).ToList();
            var firstCredit = window.FindIndex(a => a.IsCredit);
            var moneyIn = window.Where(a => a.IsCredit).Sum(a => a.Amount);
            var outAfter = firstCredit < 0 ? 0 : window.Skip(firstCredit).Where(a => a.MovesMoneyOut).Sum(a => a.Amount);
            Assert.Equal((moneyIn, outAfter), state.InAndOut(t.EventTimeMs - (WindowSeconds * 1000L), t.EventTimeMs));
        }), iter: 300);
    }

    [Fact]
    public void First_and_last_seen_are_the_earliest_and_latest_use_of_the_value_while_fewer_than_MaxSeen_values_are_in_use()
    {
        StepGen.List[1, 100].Sample(steps => Compare(Build(steps), (t, state, naive) =>
        {
            foreach (var dimension in Enum.GetValues<Dimension>())
            {
                if (RuleDimensions.ValueOf(t, dimension) is not { } value)
                {
                    continue;
                }

                var uses = naive.Accepted.Where(a => RuleDimensions.ValueOf(a, dimension) == value).Select(a => (long?)a.EventTimeMs);
                Assert.Equal(uses.Max(), state.LastSeen(dimension, value));
                Assert.Equal(uses.Min(), state.FirstSeen(dimension, value));
            }
        }), iter: 300);
    }

    /// <summary>
    /// The closed form of the profile: every payment weighs 2^(−Δ / half-life), Δ being how far the profile's clock
    /// (the newest payment time so far) moved after it was added; mean and variance of the log amounts under those weights.
    /// </summary>
    [Fact]
    public void The_spending_profile_equals_the_weighted_mean_and_variance_computed_in_full()
    {
        StepGen.List[1, 100].Sample(steps => Compare(Build(steps), (t, state, naive) =>
        {
            var payments = naive.Accepted.Where(a => !a.IsCredit).ToList();
            Assert.Equal(payments.Count, state.Profile.Count);
            if (payments.Count == 0)
            {
                return;
            }

            var clockAtAdd = new List<long>();
            var clock = long.MinValue;
            foreach (var p in payments)
            {
                clock = Math.Max(clock, p.EventTimeMs);
                clockAtAdd.Add(clock);
            }

            var halfLifeMs = AccountState.ProfileHalfLife.TotalMilliseconds;
            var weights = clockAtAdd.Select(at => Math.Pow(2, -(clock - at) / halfLifeMs)).ToList();
            var logs = payments.Select(p => Math.Log((double)p.Amount)).ToList();
            var total = weights.Sum();
            var mean = weights.Zip(logs, (w, x) => w * x).Sum() / total;
            var variance = weights.Zip(logs, (w, x) => w * (x - mean) * (x - mean)).Sum() / total;

            Assert.Equal(total, state.Profile.Weight, 1e-9);
            Assert.Equal(mean, state.Profile.MeanLog, 1e-9);
            Assert.Equal(Math.Sqrt(variance), state.Profile.StandardDeviationLog, 1e-6);
        }), iter: 300);
    }
}
