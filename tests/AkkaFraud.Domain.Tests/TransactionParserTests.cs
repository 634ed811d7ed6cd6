using System.Globalization;
using System.Text;
using AkkaFraud.Domain;
using CsCheck;

namespace AkkaFraud.Domain.Tests;

public sealed class TransactionParserTests
{
    private static readonly DateTimeOffset Reference = Tx.T0.AddMinutes(1);

    private const string Valid =
        """{"transactionId":"t-1","accountId":"a-1","eventTime":"2026-11-26T08:00:00.000Z","amount":12.50,"currency":"EUR","type":"purchase","channel":"pos","merchantId":"m-1","merchantName":"Corner Shop","merchantCategory":"5411","country":"DE","lat":52.52,"lon":13.405,"deviceId":"d-1"}""";

    private static ParseResult Parse(string json) => TransactionParser.Parse(Encoding.UTF8.GetBytes(json), Reference);

    [Fact]
    public void A_complete_record_parses_to_the_transaction_it_describes()
    {
        var result = Parse(Valid);

        Assert.True(result.IsValid, result.Rejection?.ToString());
        var t = result.Transaction!;
        Assert.Equal("t-1", t.TransactionId);
        Assert.Equal("a-1", t.AccountId);
        Assert.Equal(Tx.T0, t.EventTime);
        Assert.Equal(12.50m, t.Amount);
        Assert.Equal(TransactionType.Purchase, t.Type);
        Assert.Equal(Channel.Pos, t.Channel);
        Assert.Equal("5411", t.MerchantCategory);
        Assert.Equal(52.52, t.Latitude);
        Assert.Equal(13.405, t.Longitude);
        Assert.Equal("d-1", t.DeviceId);
    }

    [Fact]
    public void Serialized_transactions_parse_back_to_equal_transactions()
    {
        var original = Tx.Make(amount: 9000.01m, at: Tx.Berlin) with
        {
            MerchantName = "<img src=x onerror=alert(1)> \"Café\" 💳", DeviceId = "dev:42", Type = TransactionType.Deposit, BalanceBefore = -250.5m, BalanceAfter = 8749.51m,
        };

        var parsed = TransactionParser.Parse(TransactionJson.Serialize(original), Reference);

        Assert.Equal(original, parsed.Transaction);
    }

    [Fact]
    public void Optional_fields_may_be_left_out_and_unknown_fields_are_ignored()
    {
        var result = Parse("""{"transactionId":"t-2","accountId":"a-1","eventTime":"2026-11-26T07:00:00+01:00","amount":5,"currency":"USD","type":"transfer","channel":"transfer","country":"US","schemaVersion":2}""");

        Assert.True(result.IsValid, result.Rejection?.ToString());
        Assert.Equal(Tx.T0.AddHours(-2), result.Transaction!.EventTime);
        Assert.False(result.Transaction.HasLocation);
    }

    public static TheoryData<string, RejectionCode> BadInputs() => new()
    {
        { "", RejectionCode.MalformedJson },
        { "   ", RejectionCode.MalformedJson },
        { "{", RejectionCode.MalformedJson },
        { "{\"transactionId\":\"t-1\",}", RejectionCode.MalformedJson },
        { "{'transactionId':'t-1'}", RejectionCode.MalformedJson },
        { Valid + "x", RejectionCode.MalformedJson },
        { Valid + Valid, RejectionCode.MalformedJson },
        { "[1,2,3]", RejectionCode.NotAnObject },
        { "\"just a string\"", RejectionCode.NotAnObject },
        { "42", RejectionCode.NotAnObject },
        { "null", RejectionCode.NotAnObject },
        { Valid.Replace("\"accountId\":\"a-1\",", ""), RejectionCode.MissingField },
        { Valid.Replace("\"accountId\":\"a-1\"", "\"accountId\":null"), RejectionCode.MissingField },
        { Valid.Replace("\"amount\":12.50,", ""), RejectionCode.MissingField },
        { Valid.Replace("\"eventTime\":\"2026-11-26T08:00:00.000Z\",", ""), RejectionCode.MissingField },
        { Valid.Replace("\"country\":\"DE\",", ""), RejectionCode.MissingField },
        { Valid.Replace("12.50", "\"12.50\""), RejectionCode.WrongType },
        { Valid.Replace("12.50", "\"NaN\""), RejectionCode.WrongType },
        { Valid.Replace("\"accountId\":\"a-1\"", "\"accountId\":17"), RejectionCode.WrongType },
        { Valid.Replace("\"lat\":52.52", "\"lat\":\"north\""), RejectionCode.WrongType },
        { Valid.Replace("\"accountId\":\"a-1\"", "\"accountId\":{\"id\":1}"), RejectionCode.WrongType },
        { Valid.Replace("12.50", "0"), RejectionCode.InvalidAmount },
        { Valid.Replace("12.50", "-12.50"), RejectionCode.InvalidAmount },
        { Valid.Replace("12.50", "12.123456"), RejectionCode.InvalidAmount },
        { Valid.Replace("12.50", "100000000000000"), RejectionCode.AmountOutOfRange },
        { Valid.Replace("12.50", "1e400"), RejectionCode.AmountOutOfRange },
        { Valid.Replace("12.50", "99999999999999999999999999999999999"), RejectionCode.AmountOutOfRange },
        { Valid.Replace("\"deviceId\"", "\"balanceBefore\":10,\"deviceId\""), RejectionCode.InvalidField },
        { Valid.Replace("\"deviceId\"", "\"balanceAfter\":10,\"deviceId\""), RejectionCode.InvalidField },
        { Valid.Replace("\"deviceId\"", "\"balanceBefore\":10.00001,\"balanceAfter\":0,\"deviceId\""), RejectionCode.InvalidField },
        { Valid.Replace("\"deviceId\"", "\"balanceBefore\":-100000000000000,\"balanceAfter\":0,\"deviceId\""), RejectionCode.InvalidField },
        { Valid.Replace("\"EUR\"", "\"EURO\""), RejectionCode.InvalidCurrency },
        { Valid.Replace("\"EUR\"", "\"eur\""), RejectionCode.InvalidCurrency },
        { Valid.Replace("\"EUR\"", "\"XYZ\""), RejectionCode.InvalidCurrency },
        { Valid.Replace("2026-11-26T08:00:00.000Z", "yesterday"), RejectionCode.InvalidEventTime },
        { Valid.Replace("2026-11-26T08:00:00.000Z", "2026-11-26T08:00:00"), RejectionCode.InvalidEventTime },
        { Valid.Replace("2026-11-26T08:00:00.000Z", "2026-13-26T08:00:00Z"), RejectionCode.InvalidEventTime },
        { Valid.Replace("2026-11-26T08:00:00.000Z", "1970-01-01T00:00:00Z"), RejectionCode.InvalidEventTime },
        { Valid.Replace("2026-11-26T08:00:00.000Z", "2026-11-26T09:00:00.000Z"), RejectionCode.FutureEventTime },
        { Valid.Replace("2026-11-26T08:00:00.000Z", "9999-12-31T23:59:59Z"), RejectionCode.FutureEventTime },
        { Valid.Replace("Corner Shop", "Corner\u0007Shop"), RejectionCode.ControlCharacters },
        { Valid.Replace("Corner Shop", "Corner\\u0000Shop"), RejectionCode.ControlCharacters },
        { Valid.Replace("Corner Shop", "Corner\\u202EpohS"), RejectionCode.ControlCharacters },
        { Valid.Replace("Corner Shop", "Corner\u202EpohS"), RejectionCode.ControlCharacters },
        { Valid.Replace("\"a-1\"", "\"a-1\u0085\""), RejectionCode.ControlCharacters },
        { Valid.Replace("\"a-1\"", "\"a-1\\n\""), RejectionCode.ControlCharacters },
        { Valid.Replace("\"a-1\"", "\"<script>\""), RejectionCode.InvalidField },
        { Valid.Replace("\"a-1\"", "\"\""), RejectionCode.InvalidField },
        { Valid.Replace("\"a-1\"", "\"" + new string('a', 65) + "\""), RejectionCode.InvalidField },
        { Valid.Replace("Corner Shop", new string('x', 257)), RejectionCode.InvalidField },
        { Valid.Replace("\"purchase\"", "\"Purchase\""), RejectionCode.InvalidField },
        { Valid.Replace("\"purchase\"", "\"theft\""), RejectionCode.InvalidField },
        { Valid.Replace("\"pos\"", "\"carrier-pigeon\""), RejectionCode.InvalidField },
        { Valid.Replace("\"DE\"", "\"DEU\""), RejectionCode.InvalidField },
        { Valid.Replace("\"5411\"", "\"54a1\""), RejectionCode.InvalidField },
        { Valid.Replace("\"lat\":52.52,", ""), RejectionCode.InvalidField },
        { Valid.Replace("\"lat\":52.52", "\"lat\":91"), RejectionCode.InvalidField },
        { Valid.Replace("\"lon\":13.405", "\"lon\":-180.5"), RejectionCode.InvalidField },
        { Valid.Replace("Corner Shop", new string('x', 17 * 1024)), RejectionCode.OversizedRecord },
        { new string('[', 10_000), RejectionCode.MalformedJson },
        { "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 2_000)) + "1" + new string('}', 2_001), RejectionCode.MalformedJson },
    };

    /// <summary>
    /// A name given twice is read as its first value by some JSON readers and its last by others: a producer's
    /// validator and our scorer could see different amounts. I-JSON (RFC 7493) forbids it; so do we, for every field we read
    /// (unknown fields are skipped unread, so their repeats cannot be misread).
    /// </summary>
    [Theory]
    [InlineData("\"amount\":12.50", "\"amount\":12.50,\"amount\":90000")]
    [InlineData("\"accountId\":\"a-1\"", "\"accountId\":\"a-1\",\"accountId\":\"a-2\"")]
    [InlineData("\"deviceId\":\"d-1\"", "\"deviceId\":\"d-1\",\"deviceId\":\"d-1\"")]
    public void A_field_given_twice_is_malformed_json_and_named(string field, string twice)
    {
        var result = Parse(Valid.Replace(field, twice));

        Assert.Equal(RejectionCode.MalformedJson, result.Rejection?.Code);
        Assert.Contains("twice", result.Rejection!.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Each_bad_input_is_rejected_with_its_reason_code(string json, RejectionCode expected)
    {
        var result = Parse(json);

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Rejection!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Rejection.Detail));
    }

    /// <summary>The common UTC form has a fast reader of its own: it must agree with the general one, tick for tick.</summary>
    [Theory]
    [InlineData("2026-11-26T08:00:00Z")]
    [InlineData("2026-11-26T08:00:00.5Z")]
    [InlineData("2026-11-26T08:00:00.1234567Z")]
    [InlineData("2028-02-29T23:59:59.999Z")]
    [InlineData("2026-11-26T09:00:00+01:00")]
    [InlineData("2026-11-26T03:30:00.25-04:30")]
    public void Event_times_read_fast_or_slow_are_the_same_instant(string eventTime)
    {
        var parsed = TransactionParser.Parse(Encoding.UTF8.GetBytes(Valid.Replace("2026-11-26T08:00:00.000Z", eventTime)), DateTimeOffset.MaxValue.AddDays(-1));

        Assert.Equal(DateTimeOffset.ParseExact(eventTime, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture).ToUniversalTime(),
            parsed.Transaction?.EventTime);
    }

    [Theory]
    [InlineData("2027-02-29T08:00:00Z")]
    [InlineData("2026-11-26T24:00:00Z")]
    [InlineData("2026-11-26T08:60:00Z")]
    [InlineData("2026-11-26T08:00:00.12345678Z")]
    [InlineData("2026-11-26 08:00:00Z")]
    [InlineData("+026-11-26T08:00:00Z")]
    public void Impossible_or_malformed_event_times_are_rejected_by_both_readers(string eventTime) =>
        Assert.Equal(RejectionCode.InvalidEventTime,
            TransactionParser.Parse(Encoding.UTF8.GetBytes(Valid.Replace("2026-11-26T08:00:00.000Z", eventTime)), DateTimeOffset.MaxValue.AddDays(-1)).Rejection?.Code);

    [Fact]
    public void Invalid_utf8_is_malformed_json()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid.Replace("Corner Shop", "Corner XX"));
        var at = Array.IndexOf(bytes, (byte)'X');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;

        Assert.Equal(RejectionCode.MalformedJson, TransactionParser.Parse(bytes, Reference).Rejection?.Code);
    }

    [Fact]
    public void HTML_in_free_text_is_data_and_kept_verbatim()
    {
        var result = Parse(Valid.Replace("Corner Shop", "<img src=x onerror=alert(1)>"));

        Assert.Equal("<img src=x onerror=alert(1)>", result.Transaction?.MerchantName);
    }

    [Fact]
    public void The_future_is_judged_against_the_records_timestamp_not_the_wall_clock()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid);

        Assert.True(TransactionParser.Parse(bytes, Tx.T0.AddMinutes(-4)).IsValid);
        Assert.Equal(RejectionCode.FutureEventTime, TransactionParser.Parse(bytes, Tx.T0.AddMinutes(-6)).Rejection?.Code);
    }

    [Fact]
    public void Reason_codes_have_a_stable_text_form_that_parses_back()
    {
        foreach (var code in Enum.GetValues<RejectionCode>())
        {
            Assert.Equal(code, RejectionCodes.Parse(code.ToCode()));
        }

        Assert.Equal("malformed_json", RejectionCode.MalformedJson.ToCode());
        Assert.Throws<FormatException>(() => RejectionCodes.Parse("no_such_code"));
    }

    [Fact]
    public void Random_bytes_never_make_the_parser_throw()
    {
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            var result = TransactionParser.Parse(bytes, Reference);
            Assert.True(result.IsValid ^ (result.Rejection is not null));
        }, iter: 20_000);
    }

    [Fact]
    public void Random_mutations_of_a_valid_record_never_make_the_parser_throw()
    {
        var valid = Encoding.UTF8.GetBytes(Valid);
        var mutation = Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte, Gen.Int[0, 2]);
        mutation.List[1, 6].Sample(edits =>
        {
            var bytes = new List<byte>(valid);
            foreach (var (position, value, kind) in edits)
            {
                var at = Math.Min(position, bytes.Count - 1);
                switch (kind)
                {
                    case 0: bytes[at] = value; break;
                    case 1: bytes.Insert(at, value); break;
                    default: if (bytes.Count > 1) { bytes.RemoveAt(at); } break;
                }
            }

            var result = TransactionParser.Parse(bytes.ToArray(), Reference);
            Assert.True(result.IsValid ^ (result.Rejection is not null));
        }, iter: 20_000);
    }
}
