namespace AkkaFraud.Simulator.Tests;

public sealed class Reproducibility
{
    private static readonly SimulatorOptions Options = Traffic.Realistic(2_000, seed: 11, fraudShare: 0.05, invalidShare: 0.02);

    [Fact]
    public void The_same_options_give_byte_identical_records()
    {
        var first = new TrafficSimulator(Options).Records().Take(20_000).ToList();
        var second = new TrafficSimulator(Options).Records().Take(20_000).ToList();

        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Key, second[i].Key);
            Assert.Equal(first[i].Value, second[i].Value);
            Assert.Equal(first[i].Timestamp, second[i].Timestamp);
            Assert.Equal(first[i].Transaction, second[i].Transaction);
            Assert.Equal(first[i].Label, second[i].Label);
            Assert.Equal(first[i].Defect, second[i].Defect);
        }

        Assert.Contains(first, r => r.Label is not null);
        Assert.Contains(first, r => !r.IsValid);
    }

    [Fact]
    public void A_different_seed_gives_different_accounts_and_records()
    {
        var first = new TrafficSimulator(Options).Records().Take(2_000).ToList();
        var other = new TrafficSimulator(Options with { Seed = 12 }).Records().Take(2_000).ToList();

        Assert.Empty(first.Select(r => r.Key).Intersect(other.Select(r => r.Key)));
        Assert.All(first.Zip(other), pair => Assert.NotEqual(pair.First.Value, pair.Second.Value));
    }

    [Fact]
    public void A_different_start_keeps_the_customers_but_not_the_transaction_ids()
    {
        var first = new TrafficSimulator(Options);
        var later = new TrafficSimulator(Options with { Start = Options.Start.AddDays(30) });

        Assert.Equal(first.AccountIds, later.AccountIds);
        var firstIds = first.Transactions().Take(1_000).Select(t => t.Transaction.TransactionId);
        var laterIds = later.Transactions().Take(1_000).Select(t => t.Transaction.TransactionId);
        Assert.Empty(firstIds.Intersect(laterIds));
    }

    [Fact]
    public void Records_hold_the_same_transactions_as_the_plain_stream_whatever_the_invalid_share()
    {
        var plain = new TrafficSimulator(Options with { InvalidShare = 0 }).Transactions().Take(10_000).ToList();
        var records = new TrafficSimulator(Options with { InvalidShare = 0.3 }).Records().Where(r => r.IsValid).Take(10_000).ToList();

        Assert.Equal(plain.Select(t => t.Transaction), records.Select(r => r.Transaction));
        Assert.Equal(plain.Select(t => t.Label), records.Select(r => r.Label));
    }

    [Fact]
    public void Transaction_ids_are_unique()
    {
        var ids = new TrafficSimulator(Options).Records().Take(50_000).Select(r => r.Transaction?.TransactionId).OfType<string>().ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
