using Akka.Hosting;
using System.Runtime.Serialization;
using Akka.Serialization;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Cluster.Serialization;
using AkkaFraud.Domain;


namespace AkkaFraud.Cluster.Tests;

public sealed class Fraud_message_serializer(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(output: output)
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddFraudSerialization().AddHocon("akka.actor.serialize-messages = on", HoconAddMode.Prepend);

    private static readonly Transaction Full = new()
    {
        TransactionId = "t-1",
        AccountId = "a-1",
        EventTime = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero).AddTicks(1234567),
        Amount = 9000.0001m,
        Currency = "EUR",
        Type = TransactionType.CashWithdrawal,
        Channel = Channel.Atm,
        MerchantId = "m-1",
        MerchantName = "<img src=x onerror=alert(1)> Café 💳",
        MerchantCategory = "6011",
        CounterpartyId = "c-9",
        Country = "DE",
        Latitude = 52.520008,
        Longitude = 13.404954,
        DeviceId = "d-1",
        BalanceBefore = 9100.5m,
        BalanceAfter = 100.4999m,
    };

    private static readonly Transaction Minimal = new()
    {
        TransactionId = "t-2",
        AccountId = "a-2",
        EventTime = DateTimeOffset.UnixEpoch.AddYears(40),
        Amount = 0.01m,
        Currency = "USD",
        Type = TransactionType.Deposit,
        Channel = Channel.Transfer,
        Country = "US",
    };

    private static Verdict VerdictFor(Transaction transaction) =>
        RuleEngine.Replay([transaction with { Amount = 9500.25m }], RuleSet.Default)[0] with { TransactionId = transaction.TransactionId };

    public static TheoryData<object> Messages() => new()
    {
        new ScoreTransaction(42, 7, 123_456_789_012, long.MaxValue - 3, Full),
        new ScoreTransaction(-1, 0, 0, 1, Minimal),
        new TransactionScored(42, VerdictFor(Full), [1, 2, 3, 255]),
        new TransactionScored(43, VerdictFor(Minimal) with { IsDuplicate = true, Reasons = [] }, []),
        new TransactionScored(44, VerdictFor(Minimal), null),
        new GetAccountSummary("a-1", 11),
        new AccountSummary("a-1", 10, 3, DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch.AddDays(2)),
        new AccountSummary("a-2", 0, 0, null, null),
        new LocateShard(7),
        new ShardLocated(7, "akka.tcp://fraud@10.0.0.3:4053"),
        new FraudAlert(Full, VerdictFor(Full)),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_round_trips_exactly_through_the_binary_serializer(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<FraudMessageSerializer>(serializer);

        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        AssertEquivalent(message, back);
    }

    [Fact]
    public void A_checkpoint_survives_the_wire_and_restores_the_same_account_state()
    {
        var state = new AccountState();
        for (var i = 0; i < 50; i++)
        {
            RuleEngine.Apply(state, Full with { TransactionId = $"t-{i}", EventTime = Full.EventTime.AddSeconds(i), Latitude = i % 2 == 0 ? null : 50 + i * 0.01 }, RuleSet.Default);
        }

        var message = new TransactionScored(1, VerdictFor(Full), state.ToBytes());
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var back = (TransactionScored)Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));

        Assert.Equal(state.ToBytes(), AccountState.FromBytes(back.Checkpoint).ToBytes());
    }

    [Fact]
    public void An_unknown_manifest_is_an_error_not_a_guess()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(ScoreTransaction));

        Assert.Throws<SerializationException>(() => serializer.FromBinary([0x90], "??"));
    }

    private static void AssertEquivalent(object expected, object actual)
    {
        switch (expected)
        {
            case TransactionScored scored:
                var other = Assert.IsType<TransactionScored>(actual);
                Assert.Equal(scored.CorrelationId, other.CorrelationId);
                Assert.Equal(scored.Verdict, other.Verdict);
                Assert.Equal(scored.Checkpoint, other.Checkpoint);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }
}
