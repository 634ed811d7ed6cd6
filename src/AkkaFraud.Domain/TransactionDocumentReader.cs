using System.Collections.Concurrent;
using System.Text.Json;

namespace AkkaFraud.Domain;

/// <summary>
/// The parser's fast path: one pass of a <see cref="Utf8JsonReader"/> over a record of the usual shape into the
/// <see cref="TransactionDocument"/> the serializer would have made, without its metadata walk (in a profile of the
/// backtest, the serializer was three fifths of parsing). It gives up, and leaves the record to the serializer and its
/// diagnosis, on anything it does not decide the same way for certain: escaped names, a field given twice, a value
/// of another JSON type, a number that does not fit, malformed JSON. Unknown fields are skipped, as the serializer
/// skips them. The short texts whose values repeat (currency, country, type, channel, MCC) come from a bounded
/// cache instead of a new string each.
/// </summary>
internal static class TransactionDocumentReader
{
    private const int MaxInternedLength = 16;
    private const int MaxInterned = 4096;

    private static readonly ConcurrentDictionary<string, string> Interned = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> InternedBySpan =
        Interned.GetAlternateLookup<ReadOnlySpan<char>>();

    private enum Field
    {
        Unknown = -1,
        TransactionId,
        AccountId,
        EventTime,
        Amount,
        Currency,
        Type,
        Channel,
        MerchantId,
        MerchantName,
        MerchantCategory,
        CounterpartyId,
        Country,
        Latitude,
        Longitude,
        DeviceId,
        BalanceBefore,
        BalanceAfter,
    }

    /// <param name="utf8">One record's value.</param>
    /// <param name="document">What the serializer would have made of it, when the method returns true.</param>
    /// <param name="escaped">Whether any text value held an escape sequence (which may stand for a control character).</param>
    /// <returns>False when the serializer must decide.</returns>
    public static bool TryRead(ReadOnlySpan<byte> utf8, out TransactionDocument? document, out bool escaped)
    {
        document = null;
        escaped = false;
        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var d = new TransactionDocument();
            var seen = 0u;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                var field = FieldOf(reader.ValueSpan);
                if (!reader.Read())
                {
                    return false;
                }

                if (field == Field.Unknown)
                {
                    reader.Skip();
                    continue;
                }

                var bit = 1u << (int)field;
                escaped |= reader.ValueIsEscaped;
                if ((seen & bit) != 0 || !TrySet(d, field, ref reader))
                {
                    return false;
                }

                seen |= bit;
            }

            // The object ended, and nothing follows it (Read throws on trailing data, returns false at the end).
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }

            document = d;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // Text that is not valid UTF-8.
            return false;
        }
    }

    private static bool TrySet(TransactionDocument d, Field field, ref Utf8JsonReader reader)
    {
        switch (field)
        {
            case Field.Amount or Field.BalanceBefore or Field.BalanceAfter:
                if (!TryDecimal(ref reader, out var number))
                {
                    return false;
                }

                _ = field == Field.Amount ? d.Amount = number : field == Field.BalanceBefore ? d.BalanceBefore = number : d.BalanceAfter = number;
                return true;
            case Field.Latitude or Field.Longitude:
                if (!TryDouble(ref reader, out var coordinate))
                {
                    return false;
                }

                _ = field == Field.Latitude ? d.Latitude = coordinate : d.Longitude = coordinate;
                return true;
            default:
                break;
        }

        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
        {
            return false;
        }

        var repeats = field is Field.Currency or Field.Country or Field.Type or Field.Channel or Field.MerchantCategory;
        var text = reader.TokenType == JsonTokenType.Null ? null : repeats ? Repeated(ref reader) : reader.GetString();
        switch (field)
        {
            case Field.TransactionId: d.TransactionId = text; break;
            case Field.AccountId: d.AccountId = text; break;
            case Field.EventTime: d.EventTime = text; break;
            case Field.Currency: d.Currency = text; break;
            case Field.Type: d.Type = text; break;
            case Field.Channel: d.Channel = text; break;
            case Field.MerchantId: d.MerchantId = text; break;
            case Field.MerchantName: d.MerchantName = text; break;
            case Field.MerchantCategory: d.MerchantCategory = text; break;
            case Field.CounterpartyId: d.CounterpartyId = text; break;
            case Field.Country: d.Country = text; break;
            case Field.DeviceId: d.DeviceId = text; break;
            default: return false;
        }

        return true;
    }

    private static bool TryDecimal(ref Utf8JsonReader reader, out decimal? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        if (!reader.TryGetDecimal(out var number))
        {
            return false;
        }

        value = number;
        return true;
    }

    private static bool TryDouble(ref Utf8JsonReader reader, out double? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var number))
        {
            return false;
        }

        value = number;
        return true;
    }

    /// <summary>A short ASCII text from the cache (the same characters as <see cref="Utf8JsonReader.GetString"/> gives).</summary>
    private static string Repeated(ref Utf8JsonReader reader)
    {
        var bytes = reader.ValueSpan;
        if (reader.ValueIsEscaped || bytes.Length > MaxInternedLength)
        {
            return reader.GetString()!;
        }

        Span<char> chars = stackalloc char[MaxInternedLength];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] >= 0x80)
            {
                return reader.GetString()!;
            }

            chars[i] = (char)bytes[i];
        }

        var key = chars[..bytes.Length];
        if (InternedBySpan.TryGetValue(key, out var known))
        {
            return known;
        }

        var text = new string(key);
        if (Interned.Count < MaxInterned)
        {
            Interned.TryAdd(text, text);
        }

        return text;
    }

    private static Field FieldOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("lat"u8) => Field.Latitude,
        3 when name.SequenceEqual("lon"u8) => Field.Longitude,
        4 when name.SequenceEqual("type"u8) => Field.Type,
        6 when name.SequenceEqual("amount"u8) => Field.Amount,
        7 when name.SequenceEqual("channel"u8) => Field.Channel,
        7 when name.SequenceEqual("country"u8) => Field.Country,
        8 when name.SequenceEqual("currency"u8) => Field.Currency,
        8 when name.SequenceEqual("deviceId"u8) => Field.DeviceId,
        9 when name.SequenceEqual("accountId"u8) => Field.AccountId,
        9 when name.SequenceEqual("eventTime"u8) => Field.EventTime,
        10 when name.SequenceEqual("merchantId"u8) => Field.MerchantId,
        12 when name.SequenceEqual("merchantName"u8) => Field.MerchantName,
        12 when name.SequenceEqual("balanceAfter"u8) => Field.BalanceAfter,
        13 when name.SequenceEqual("transactionId"u8) => Field.TransactionId,
        13 when name.SequenceEqual("balanceBefore"u8) => Field.BalanceBefore,
        14 when name.SequenceEqual("counterpartyId"u8) => Field.CounterpartyId,
        16 when name.SequenceEqual("merchantCategory"u8) => Field.MerchantCategory,
        _ => Field.Unknown,
    };
}
