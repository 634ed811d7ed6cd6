using System.Text.Json;
using AkkaFraud.Domain;
using CsCheck;

namespace AkkaFraud.Domain.Tests;

public sealed class Transaction_json
{
    private static readonly string?[] Fixed = [null, "<img src=x onerror=alert(1)>", "Café \"Zum Löwen\" & Söhne", "💳 ü ß", "a\\b/c"];

    private static readonly Gen<string?> Text = Gen.OneOf(
        Gen.Int[0, Fixed.Length - 1].Select(i => Fixed[i]),
        Gen.String[Gen.Char, 0, 40].Select(s => (string?)s));

    private static readonly Gen<Transaction> Transactions =
        Gen.Select(Gen.Long[946_684_800_000, 4_102_444_800_000], Gen.Decimal[0.0001m, 10_000_000m], Text, Text, Gen.Bool, Gen.Double[-90, 90], Gen.Double[-180, 180], Gen.Int[0, 5])
        .Select((ms, amount, name, device, located, lat, lon, kind) => Tx.Make(account: "a-1") with
        {
            // Balances on half of them, an overdraft among them: before and after are the amount apart.
            BalanceBefore = located ? (decimal)Math.Round(lat, 2) * 1000 : null,
            BalanceAfter = located ? ((decimal)Math.Round(lat, 2) * 1000) - decimal.Round(amount, Math.Min(kind, 4)) : null,
            EventTime = DateTimeOffset.FromUnixTimeMilliseconds(ms),
            Amount = decimal.Round(amount, Math.Min(kind, 4)),
            MerchantName = name,
            DeviceId = device,
            Type = (TransactionType)kind,
            Channel = (Channel)(kind % 4),
            Latitude = located ? lat : null,
            Longitude = located ? lon : null,
        });

    [Fact]
    public void The_fast_writer_produces_exactly_the_serializers_bytes()
    {
        Transactions.Sample(t =>
        {
            var expected = JsonSerializer.SerializeToUtf8Bytes(TransactionDocument.From(t), TransactionJsonContext.Default.TransactionDocument);
            Assert.Equal(expected, TransactionJson.Serialize(t));
        }, iter: 5_000);
    }

    [Fact]
    public void Event_times_are_written_in_UTC_with_milliseconds()
    {
        var t = Tx.Make() with { EventTime = new DateTimeOffset(2026, 1, 2, 9, 4, 5, 7, TimeSpan.FromHours(2)) };

        Assert.Contains("\"eventTime\":\"2026-01-02T07:04:05.007Z\"", System.Text.Encoding.UTF8.GetString(TransactionJson.Serialize(t)), StringComparison.Ordinal);
    }
}
