using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

public sealed class Account_state
{
    [Fact]
    public void State_keeps_only_the_horizon_behind_the_newest_transaction()
    {
        var state = new AccountState();
        var ruleSet = RuleSet.Default; // horizon: 900 s lateness + 600 s card-testing window
        for (var i = 0; i < 1000; i++)
        {
            RuleEngine.Apply(state, Tx.Make($"t-{i}", secondsAfterT0: i * 60), ruleSet);
        }

        Assert.Equal(1000, state.TransactionCount);
        Assert.InRange(state.RetainedCount, 25, 26); // 1500 s / 60 s
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
