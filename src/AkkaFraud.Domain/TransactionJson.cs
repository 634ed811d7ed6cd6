using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AkkaFraud.Domain;

/// <summary>
/// The wire form of a transaction: UTF-8 JSON, camelCase, e.g.
/// <c>{"transactionId":"t-1","accountId":"a-1","eventTime":"2026-11-26T08:00:00.000Z","amount":12.5,"currency":"EUR",
/// "type":"purchase","channel":"pos","merchantId":"m-1","merchantName":"Corner Shop","merchantCategory":"5411",
/// "country":"DE","lat":52.52,"lon":13.40,"deviceId":"d-1"}</c>.
/// Writing and the fast path of reading both go through the source-generated <see cref="TransactionJsonContext"/>.
/// </summary>
public static class TransactionJson
{
    // Hand-written rather than through the serializer: producers (the simulator, benchmarks) write millions of
    // records a second and the reflection-free path is twice as fast. The byte-for-byte form is the serializer's own
    // (same names, order, escaping), which a test checks against TransactionDocument.
    private static readonly JsonEncodedText TransactionIdName = JsonEncodedText.Encode("transactionId");
    private static readonly JsonEncodedText AccountIdName = JsonEncodedText.Encode("accountId");
    private static readonly JsonEncodedText EventTimeName = JsonEncodedText.Encode("eventTime");
    private static readonly JsonEncodedText AmountName = JsonEncodedText.Encode("amount");
    private static readonly JsonEncodedText CurrencyName = JsonEncodedText.Encode("currency");
    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText ChannelProperty = JsonEncodedText.Encode("channel");
    private static readonly JsonEncodedText MerchantIdName = JsonEncodedText.Encode("merchantId");
    private static readonly JsonEncodedText MerchantNameName = JsonEncodedText.Encode("merchantName");
    private static readonly JsonEncodedText MerchantCategoryName = JsonEncodedText.Encode("merchantCategory");
    private static readonly JsonEncodedText CounterpartyIdName = JsonEncodedText.Encode("counterpartyId");
    private static readonly JsonEncodedText CountryName = JsonEncodedText.Encode("country");
    private static readonly JsonEncodedText LatitudeName = JsonEncodedText.Encode("lat");
    private static readonly JsonEncodedText LongitudeName = JsonEncodedText.Encode("lon");
    private static readonly JsonEncodedText DeviceIdName = JsonEncodedText.Encode("deviceId");
    private static readonly JsonEncodedText BalanceBeforeName = JsonEncodedText.Encode("balanceBefore");
    private static readonly JsonEncodedText BalanceAfterName = JsonEncodedText.Encode("balanceAfter");

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _scratch;

    public static byte[] Serialize(Transaction transaction)
    {
        var (buffer, writer) = _scratch ??= CreateScratch();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Serialize(writer, transaction);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static void Serialize(Utf8JsonWriter writer, Transaction t)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(t);
        writer.WriteStartObject();
        writer.WriteString(TransactionIdName, t.TransactionId);
        writer.WriteString(AccountIdName, t.AccountId);
        Span<byte> time = stackalloc byte[24];
        writer.WriteString(EventTimeName, FormatEventTime(t.EventTime, time));
        writer.WriteNumber(AmountName, t.Amount);
        writer.WriteString(CurrencyName, t.Currency);
        writer.WriteString(TypeProperty, WireNames.Type(t.Type));
        writer.WriteString(ChannelProperty, WireNames.Channel(t.Channel));
        WriteOptional(writer, MerchantIdName, t.MerchantId);
        WriteOptional(writer, MerchantNameName, t.MerchantName);
        WriteOptional(writer, MerchantCategoryName, t.MerchantCategory);
        WriteOptional(writer, CounterpartyIdName, t.CounterpartyId);
        writer.WriteString(CountryName, t.Country);
        if (t.Latitude is { } lat)
        {
            writer.WriteNumber(LatitudeName, lat);
        }

        if (t.Longitude is { } lon)
        {
            writer.WriteNumber(LongitudeName, lon);
        }

        WriteOptional(writer, DeviceIdName, t.DeviceId);
        if (t.BalanceBefore is { } before)
        {
            writer.WriteNumber(BalanceBeforeName, before);
        }

        if (t.BalanceAfter is { } after)
        {
            writer.WriteNumber(BalanceAfterName, after);
        }

        writer.WriteEndObject();
    }

    /// <summary>The wire form of an event time: UTC, milliseconds, e.g. <c>2026-11-26T08:00:00.000Z</c>.</summary>
    public static string FormatEventTime(DateTimeOffset eventTime)
    {
        Span<byte> time = stackalloc byte[24];
        return System.Text.Encoding.ASCII.GetString(FormatEventTime(eventTime, time));
    }

    private static ReadOnlySpan<byte> FormatEventTime(DateTimeOffset eventTime, Span<byte> into)
    {
        var utc = eventTime.UtcDateTime;
        Digits(into[..4], utc.Year);
        into[4] = (byte)'-';
        Digits(into.Slice(5, 2), utc.Month);
        into[7] = (byte)'-';
        Digits(into.Slice(8, 2), utc.Day);
        into[10] = (byte)'T';
        Digits(into.Slice(11, 2), utc.Hour);
        into[13] = (byte)':';
        Digits(into.Slice(14, 2), utc.Minute);
        into[16] = (byte)':';
        Digits(into.Slice(17, 2), utc.Second);
        into[19] = (byte)'.';
        Digits(into.Slice(20, 3), utc.Millisecond);
        into[23] = (byte)'Z';
        return into;
    }

    private static void Digits(Span<byte> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) CreateScratch()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        return (buffer, new Utf8JsonWriter(buffer));
    }
}

/// <summary>The JSON document exactly as on the wire; strings stay strings until <see cref="TransactionParser"/> validates them.</summary>
internal sealed class TransactionDocument
{
    public string? TransactionId { get; set; }
    public string? AccountId { get; set; }
    public string? EventTime { get; set; }
    public decimal? Amount { get; set; }
    public string? Currency { get; set; }
    public string? Type { get; set; }
    public string? Channel { get; set; }
    public string? MerchantId { get; set; }
    public string? MerchantName { get; set; }
    public string? MerchantCategory { get; set; }
    public string? CounterpartyId { get; set; }
    public string? Country { get; set; }

    [JsonPropertyName("lat")]
    public double? Latitude { get; set; }

    [JsonPropertyName("lon")]
    public double? Longitude { get; set; }

    public string? DeviceId { get; set; }

    public decimal? BalanceBefore { get; set; }

    public decimal? BalanceAfter { get; set; }

    public static TransactionDocument From(Transaction t) => new()
    {
        TransactionId = t.TransactionId,
        AccountId = t.AccountId,
        EventTime = TransactionJson.FormatEventTime(t.EventTime),
        Amount = t.Amount,
        Currency = t.Currency,
        Type = WireNames.Type(t.Type),
        Channel = WireNames.Channel(t.Channel),
        MerchantId = t.MerchantId,
        MerchantName = t.MerchantName,
        MerchantCategory = t.MerchantCategory,
        CounterpartyId = t.CounterpartyId,
        Country = t.Country,
        Latitude = t.Latitude,
        Longitude = t.Longitude,
        DeviceId = t.DeviceId,
        BalanceBefore = t.BalanceBefore,
        BalanceAfter = t.BalanceAfter,
    };
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(TransactionDocument))]
internal sealed partial class TransactionJsonContext : JsonSerializerContext;
