using System.Text;
using AkkaFraud.Domain;
using Confluent.Kafka;

namespace AkkaFraud.TestSupport;

/// <summary>
/// A record built to hurt a consumer rather than to pass for a transaction, and the reason code it must be
/// dead-lettered with. <see cref="Key"/> and <see cref="Value"/> may be null (a keyless record, a tombstone).
/// </summary>
public sealed record HostileRecord(string Description, byte[]? Key, byte[]? Value, Headers? Headers, RejectionCode ExpectedCode)
{
    public Message<byte[]?, byte[]?> ToMessage(DateTimeOffset timestamp) =>
        new() { Key = Key, Value = Value, Headers = Headers, Timestamp = new Timestamp(timestamp) };
}

/// <summary>What a hostile or broken producer can put on the transactions topic.</summary>
public static class HostileRecords
{
    /// <summary>Above what a producer sends by default (1 MB); <see cref="ProduceAsync"/> raises its limit as kcat's users do.</summary>
    public const int HugeBytes = 1024 * 1024;

    private const string Json =
        """{"transactionId":"hostile-1","accountId":"hostile-account","eventTime":"2026-06-01T00:00:00.000Z","amount":12.50,"currency":"EUR","type":"purchase","channel":"pos","country":"DE"}""";

    public static IReadOnlyList<HostileRecord> All { get; } =
    [
        new("a tombstone (null value)", "hostile-account"u8.ToArray(), null, null, RejectionCode.MalformedJson),
        new("a tombstone without a key", null, null, null, RejectionCode.MalformedJson),
        new("no key, a value that is not JSON", null, "hello"u8.ToArray(), null, RejectionCode.MalformedJson),
        new("invalid UTF-8 in a string", "hostile-account"u8.ToArray(), NotUtf8(Json), null, RejectionCode.MalformedJson),
        new("a 1 MiB record", "hostile-account"u8.ToArray(), Encoding.UTF8.GetBytes(Json.Replace("\"country\"", "\"receipt\":\"" + new string('x', HugeBytes) + "\",\"country\"", StringComparison.Ordinal)), null, RejectionCode.OversizedRecord),
        new("JSON nested 10,000 deep", "hostile-account"u8.ToArray(), Encoding.ASCII.GetBytes(new string('[', 10_000)), null, RejectionCode.MalformedJson),
        new("the amount given twice", "hostile-account"u8.ToArray(), Encoding.UTF8.GetBytes(Json.Replace("\"amount\":12.50", "\"amount\":12.50,\"amount\":900000", StringComparison.Ordinal)), null, RejectionCode.MalformedJson),
        new("garbage headers on a broken record", "hostile-account"u8.ToArray(), Encoding.UTF8.GetBytes(Json[..40]), GarbageHeaders(), RejectionCode.MalformedJson),
    ];

    /// <summary>Headers no consumer of ours reads: binary values, an empty name, a null value, a repeated name, a 10 KiB value.</summary>
    public static Headers GarbageHeaders() => new()
    {
        { "", [0x00, 0xFF, 0xFE] },
        { "\u00ff\u0000binary", [0xC3, 0x28] },
        new Header("null-value", null),
        { "source-offset", "not a number"u8.ToArray() },
        { "source-offset", "-1"u8.ToArray() },
        { "big", new byte[10 * 1024] },
    };

    /// <summary>Produces every hostile record once, with a producer that allows records up to 2 MB.</summary>
    public static async Task ProduceAsync(string bootstrapServers, string topic, DateTimeOffset timestamp)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            MessageMaxBytes = 2_000_000,
        }).Build();
        foreach (var record in All)
        {
            await producer.ProduceAsync(topic, record.ToMessage(timestamp));
        }
    }

    /// <summary>The JSON with its transaction id's last character replaced by 0xFF, a byte UTF-8 never uses.</summary>
    private static byte[] NotUtf8(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        bytes[bytes.AsSpan().IndexOf("hostile-1"u8) + "hostile-".Length] = 0xFF;
        return bytes;
    }
}
