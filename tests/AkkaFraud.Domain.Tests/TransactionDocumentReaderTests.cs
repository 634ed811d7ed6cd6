using System.Text;
using System.Text.Json;
using AkkaFraud.Domain;
using CsCheck;

namespace AkkaFraud.Domain.Tests;

/// <summary>
/// The parser's fast path stands in front of the serializer: whatever record it takes, it must read as the serializer
/// does, field for field; it may give a record up, never read one differently. The parser's own tests then hold for
/// both paths.
/// </summary>
public sealed class TransactionDocumentReaderTests
{
    /// <summary>Writes a document to compare it: every field, infinities too (a latitude of 1e400 reads as one).</summary>
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo Comparable = new JsonSerializerOptions
    {
        TypeInfoResolver = TransactionJsonContext.Default,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    }.GetTypeInfo(typeof(TransactionDocument));

    /// <summary>The document as the serializer reads it, in a form to compare: its JSON, or null where it throws.</summary>
    internal static string? BySerializer(byte[] utf8)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, TransactionJsonContext.Default.TransactionDocument) is { } document
                ? JsonSerializer.Serialize(document, Comparable)
                : "null";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Fails when the fast path takes <paramref name="utf8"/> and reads it otherwise than the serializer.</summary>
    internal static bool TakenAlike(byte[] utf8)
    {
        if (!TransactionDocumentReader.TryRead(utf8, out var document, out _))
        {
            return false;
        }

        var fast = JsonSerializer.Serialize(document!, Comparable);
        var serializer = BySerializer(utf8);
        Assert.True(fast == serializer, $"the fast path read {Encoding.UTF8.GetString(utf8)}\nas {fast}\nthe serializer as {serializer ?? "an error"}");
        return true;
    }

    [Fact]
    public void Takes_the_records_producers_write()
    {
        var transaction = Tx.Make(amount: 9000.01m, at: Tx.Berlin) with
        {
            MerchantName = "Café 💳 \"quoted\"", DeviceId = "dev:42", Type = TransactionType.Deposit, BalanceBefore = -250.5m, BalanceAfter = 8749.51m,
        };

        Assert.True(TakenAlike(TransactionJson.Serialize(transaction)));
        Assert.True(TakenAlike(Encoding.UTF8.GetBytes("""{ "transactionId": "t-2", "accountId": "a-1", "amount": 5, "label": {"fraud": [1, 2]}, "schemaVersion": 2 }""")));
        Assert.True(TakenAlike(Encoding.UTF8.GetBytes("""{"transactionId":null,"lat":null,"amount":null,"currency":"EUR","country":"DE"}""")));
    }

    [Theory]
    [MemberData(nameof(TransactionParserTests.BadInputs), MemberType = typeof(TransactionParserTests))]
    public void Reads_every_bad_input_the_parser_is_tested_with_as_the_serializer_does_or_leaves_it(string json, RejectionCode _) =>
        TakenAlike(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"transactionId":"t-1","transactionId":"t-2"}""")]
    [InlineData("""{"tr\u0061nsactionId":"t-1"}""")]
    [InlineData("""{"amount":"12"}""")]
    [InlineData("""{"amount":1e400}""")]
    [InlineData("""{"accountId":17}""")]
    [InlineData("""{"accountId":"a"} {}""")]
    [InlineData("\uFEFF{\"accountId\":\"a\"}")]
    [InlineData("""{"accountId":"a",}""")]
    public void Leaves_to_the_serializer_what_it_might_read_otherwise(string json) =>
        Assert.False(TransactionDocumentReader.TryRead(Encoding.UTF8.GetBytes(json), out _, out _), json);

    private static readonly string[] Names =
    [
        "transactionId", "accountId", "eventTime", "amount", "currency", "type", "channel", "merchantId", "merchantName",
        "merchantCategory", "counterpartyId", "country", "lat", "lon", "deviceId", "balanceBefore", "balanceAfter",
        "label", "Amount", "amount ", "tr\\u0061nsactionId",
    ];

    private static readonly Gen<string> Values = Gen.OneOf(
        Gen.OneOf<string>("\"EUR\"", "\"DE\"", "\"purchase\"", "\"pos\"", "\"5411\"", "\"2026-11-26T08:00:00Z\"", "\"\"", "\"\\u0045UR\"", "\"Caf\u00e9\"", "\"a\\nb\""),
        Gen.OneOf<string>("null", "true", "0", "-0", "12.50", "1e400", "-1e-400", "79228162514264337593543950336", "0.00001", "100.0000", "[]", "{}", "[1,{\"a\":[]}]", "{\"a\":1,\"a\":2}"),
        Gen.Decimal[-1_000_000m, 1_000_000m].Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double[-200, 200].Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.String[Gen.Char.AlphaNumeric, 0, 20].Select(s => "\"" + s + "\""));

    [Fact]
    public void Reads_random_objects_of_our_fields_as_the_serializer_does_whenever_it_takes_them()
    {
        var taken = 0;
        Gen.Select(Gen.OneOf<string>(Names), Values).List[0, 12]
            .Select(fields => "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}")
            .Sample(json => taken += TakenAlike(Encoding.UTF8.GetBytes(json)) ? 1 : 0, iter: 20_000);

        Assert.True(taken > 1000, $"the fast path took only {taken} of 20,000 objects");
    }
}
