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
    public static byte[] Serialize(Transaction transaction) =>
        JsonSerializer.SerializeToUtf8Bytes(TransactionDocument.From(transaction), TransactionJsonContext.Default.TransactionDocument);

    public static void Serialize(Utf8JsonWriter writer, Transaction transaction) =>
        JsonSerializer.Serialize(writer, TransactionDocument.From(transaction), TransactionJsonContext.Default.TransactionDocument);

    internal static string TypeName(TransactionType type) => type switch
    {
        TransactionType.Purchase => "purchase",
        TransactionType.Transfer => "transfer",
        TransactionType.CashWithdrawal => "cash-withdrawal",
        TransactionType.Refund => "refund",
        TransactionType.Payment => "payment",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    internal static TransactionType? ParseType(string value) => value switch
    {
        "purchase" => TransactionType.Purchase,
        "transfer" => TransactionType.Transfer,
        "cash-withdrawal" => TransactionType.CashWithdrawal,
        "refund" => TransactionType.Refund,
        "payment" => TransactionType.Payment,
        _ => null,
    };

    internal static string ChannelName(Channel channel) => channel switch
    {
        Channel.Pos => "pos",
        Channel.Ecom => "ecom",
        Channel.Atm => "atm",
        Channel.Transfer => "transfer",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    internal static Channel? ParseChannel(string value) => value switch
    {
        "pos" => Channel.Pos,
        "ecom" => Channel.Ecom,
        "atm" => Channel.Atm,
        "transfer" => Channel.Transfer,
        _ => null,
    };
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

    public static TransactionDocument From(Transaction t) => new()
    {
        TransactionId = t.TransactionId,
        AccountId = t.AccountId,
        EventTime = t.EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        Amount = t.Amount,
        Currency = t.Currency,
        Type = TransactionJson.TypeName(t.Type),
        Channel = TransactionJson.ChannelName(t.Channel),
        MerchantId = t.MerchantId,
        MerchantName = t.MerchantName,
        MerchantCategory = t.MerchantCategory,
        CounterpartyId = t.CounterpartyId,
        Country = t.Country,
        Latitude = t.Latitude,
        Longitude = t.Longitude,
        DeviceId = t.DeviceId,
    };
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TransactionDocument))]
internal sealed partial class TransactionJsonContext : JsonSerializerContext;
