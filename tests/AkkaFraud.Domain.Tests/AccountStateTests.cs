using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

public sealed class Account_state
{
    [Fact]
    public void State_keeps_only_the_horizon_behind_the_newest_transaction()
    {
        var state = new AccountState();
        var ruleSet = RuleSet.Default; // horizon: 900 s lateness + the 3600 s pass-through window
        for (var i = 0; i < 1000; i++)
        {
            RuleEngine.Apply(state, Tx.Make($"t-{i}", secondsAfterT0: i * 60), ruleSet);
        }

        Assert.Equal(1000, state.TransactionCount);
        Assert.InRange(state.RetainedCount, 75, 76); // 4500 s / 60 s
    }

    [Fact]
    public void State_never_holds_more_than_its_hard_bound_even_for_a_flood_at_one_instant()
    {
        var state = new AccountState();
        for (var i = 0; i < AccountState.MaxEntries + 500; i++)
        {
            RuleEngine.Apply(state, Tx.Make($"t-{i}"), RuleSet.Default);
        }

        Assert.Equal(AccountState.MaxEntries, state.RetainedCount);
    }

    [Fact]
    public void Checkpoint_bytes_round_trip_to_an_equal_state()
    {
        var state = new AccountState();
        RuleEngine.Apply(state, Tx.Make("t-1", amount: 12.3456m, at: Tx.Berlin), RuleSet.Default);
        RuleEngine.Apply(state, Tx.Make("t-2", secondsAfterT0: 30, amount: 1), RuleSet.Default);

        var bytes = state.ToBytes();
        var restored = AccountState.FromBytes(bytes);

        Assert.Equal(bytes, restored.ToBytes());
        Assert.Equal(2, restored.TransactionCount);
        Assert.True(restored.Contains("t-1"));
        Assert.Equal((2, 13.3456m), restored.CountAndSum(long.MinValue, long.MaxValue));
        Assert.Equal(state.LastLocation, restored.LastLocation);
    }

    [Fact]
    public void A_new_account_checkpoints_too()
    {
        var restored = AccountState.FromBytes(new AccountState().ToBytes());

        Assert.Equal(0, restored.RetainedCount);
        Assert.Null(restored.LastLocation);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void Corrupt_checkpoints_are_refused_with_a_format_error(byte[] bytes)
    {
        Assert.Throws<FormatException>(() => AccountState.FromBytes(bytes));
    }

    [Fact]
    public void Truncated_or_padded_checkpoints_are_refused()
    {
        var state = new AccountState();
        RuleEngine.Apply(state, Tx.Make("t-1", at: Tx.Berlin), RuleSet.Default);
        var bytes = state.ToBytes();

        Assert.Throws<FormatException>(() => AccountState.FromBytes(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => AccountState.FromBytes([.. bytes, 0]));
    }
}

public sealed class Account_state_checkpoint_versions
{
    [Fact]
    public void Counterparties_and_the_profile_survive_the_checkpoint()
    {
        var state = new AccountState();
        RuleEngine.Apply(state, Tx.Make("t-1", amount: 40, type: TransactionType.Payment, counterparty: "c-1", device: "d-1", at: Tx.Paris), RuleSet.Default);
        RuleEngine.Apply(state, Tx.Make("t-2", secondsAfterT0: 60, amount: 2500, type: TransactionType.Deposit, country: "FR"), RuleSet.Default);

        var bytes = state.ToBytes();
        var restored = AccountState.FromBytes(bytes);

        Assert.Equal(bytes, restored.ToBytes());
        Assert.Equal(state.Profile, restored.Profile);
        Assert.Equal(Tx.T0.ToUnixTimeMilliseconds(), restored.LastSeen(Dimension.Counterparty, "c-1"));
        Assert.Equal(Tx.T0.AddSeconds(60).ToUnixTimeMilliseconds(), restored.LastSeen(Dimension.Country, "FR"));
        Assert.Equal((2500m, 0m), restored.InAndOut(long.MinValue, long.MaxValue));
        Assert.Equal(2, restored.DistinctIn(Dimension.Country, long.MinValue, long.MaxValue, null));
    }

    /// <summary>Checkpoints written before format 2 (by the release before counterparties) still load.</summary>
    [Fact]
    public void A_format_1_checkpoint_loads_with_its_transactions_and_location_and_an_empty_profile()
    {
        var t0 = Tx.T0.ToUnixTimeMilliseconds();
        var v1 = new List<byte> { 1 };
        v1.AddRange(BitConverter.GetBytes(t0 + 1000));  // newest event time
        v1.AddRange(BitConverter.GetBytes(2L));         // transactions ever
        v1.AddRange(BitConverter.GetBytes(t0));         // first event time
        v1.Add(1);                                      // has a last location
        v1.AddRange(BitConverter.GetBytes(t0 + 1000));
        v1.AddRange(BitConverter.GetBytes(52.52));
        v1.AddRange(BitConverter.GetBytes(13.405));
        v1.AddRange(BitConverter.GetBytes(2));          // entries
        foreach (var (time, units, located) in new[] { (t0, 125_000L, false), (t0 + 1000, 10_000L, true) })
        {
            v1.AddRange(BitConverter.GetBytes(time));
            v1.AddRange(BitConverter.GetBytes(units));
            v1.AddRange(BitConverter.GetBytes(7UL + (ulong)time));
            v1.Add(located ? (byte)1 : (byte)0);
            if (located)
            {
                v1.AddRange(BitConverter.GetBytes(52.52));
                v1.AddRange(BitConverter.GetBytes(13.405));
            }
        }

        var state = AccountState.FromBytes(v1.ToArray());

        Assert.Equal(2, state.TransactionCount);
        Assert.Equal((2, 13.5m), state.CountAndSum(long.MinValue, long.MaxValue));
        Assert.Equal(new AccountState.Location(t0 + 1000, 52.52, 13.405), state.PreviousLocation(t0 + 5000));
        Assert.Equal(0, state.Profile.Count);
        Assert.Null(state.LastSeen(Dimension.Merchant, "m-1"));
        Assert.Equal(AccountState.FromBytes(state.ToBytes()).ToBytes(), state.ToBytes());
    }

    [Fact]
    public void It_remembers_at_most_MaxSeen_values_and_forgets_the_least_recently_used_first()
    {
        var state = new AccountState();
        for (var i = 0; i <= AccountState.MaxSeen; i++)
        {
            // A new counterparty each time, the same merchant and country: MaxSeen + 3 values offered in all, so the
            // three oldest counterparties are forgotten, never the merchant or the country, used every time.
            RuleEngine.Apply(state, Tx.Make($"t-{i}", secondsAfterT0: i, type: TransactionType.Transfer, counterparty: $"c-{i}"), RuleSet.Default);
        }

        Assert.All(new[] { "c-0", "c-1", "c-2" }, forgotten => Assert.Null(state.LastSeen(Dimension.Counterparty, forgotten)));
        Assert.Equal(Tx.T0.AddSeconds(3).ToUnixTimeMilliseconds(), state.LastSeen(Dimension.Counterparty, "c-3"));
        Assert.Equal(Tx.T0.AddSeconds(AccountState.MaxSeen).ToUnixTimeMilliseconds(), state.LastSeen(Dimension.Merchant, "m-1"));
        Assert.Equal(AccountState.FromBytes(state.ToBytes()).ToBytes(), state.ToBytes());
    }
}
