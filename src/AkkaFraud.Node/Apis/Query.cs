using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Apis;

/// <summary>Parsing of query parameters into values or a message that says what was wrong and how to fix it.</summary>
internal static class Query
{
    public const int MaxIdLength = 64;

    public static bool TryTime(string? value, string name, out DateTimeOffset? time, out string? error)
    {
        time = null;
        error = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        error = $"'{name}' is not a time: use ISO-8601, e.g. {name}=2026-11-26T08:00:00Z.";
        return false;
    }

    public static bool TryInt(string? value, string name, int fallback, int min, int max, out int result, out string? error)
    {
        error = null;
        result = fallback;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max)
        {
            return true;
        }

        error = $"'{name}' must be a whole number from {min} to {max} (default {fallback}).";
        return false;
    }

    /// <summary>Ids follow the transaction schema: 1 to 64 characters of A-Z a-z 0-9 . _ : @ -.</summary>
    public static bool IsId(string? value) =>
        value is { Length: > 0 and <= MaxIdLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '-');

    public static string IdRule(string name) => $"'{name}' must be 1 to {MaxIdLength} characters of A-Z a-z 0-9 . _ : @ - (as in the transaction schema).";

    public static string EncodeCursor(AlertCursor cursor) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{cursor.EventTime.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{cursor.TransactionId}"));

    public static bool TryDecodeCursor(string? value, out AlertCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0
                && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && IsId(text[(bar + 1)..]))
            {
                cursor = new AlertCursor(new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }

    /// <summary>A dead-letter cursor: its receive time in ticks and its key, as a base64url JSON array.</summary>
    public static string EncodeCursor(DeadLetterCursor cursor) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new object[]
        {
            cursor.ReceivedAt.UtcTicks, cursor.Key.KafkaCluster, cursor.Key.Topic, cursor.Key.Partition, cursor.Key.Offset,
        }));

    public static bool TryDecodeCursor(string? value, out DeadLetterCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        try
        {
            using var parts = JsonDocument.Parse(Base64Url.DecodeFromChars(value));
            var p = parts.RootElement;
            if (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() == 5
                && p[0].TryGetInt64(out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && p[1].ValueKind == JsonValueKind.String && p[2].ValueKind == JsonValueKind.String
                && p[3].TryGetInt32(out var partition) && p[4].TryGetInt64(out var offset))
            {
                cursor = new DeadLetterCursor(new DateTimeOffset(ticks, TimeSpan.Zero), new DeadLetterKey(p[1].GetString()!, p[2].GetString()!, partition, offset));
                return true;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }

        return false;
    }
}
