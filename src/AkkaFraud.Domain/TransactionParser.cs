using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace AkkaFraud.Domain;

/// <summary>
/// Bytes from the wire → a valid <see cref="Transaction"/> or a <see cref="Rejection"/> with a reason code.
/// No input makes it throw. The fast path is one pass of <see cref="TransactionDocumentReader"/> plus field checks;
/// a record it does not take goes through the source-generated deserialisation, and only when that fails does a
/// third, slower pass find out why (malformed JSON, a wrong type, an out-of-range number).
/// </summary>
public static class TransactionParser
{
    /// <summary>
    /// The reference time for records without a timestamp of their own (a Kafka record without one, a file being
    /// backtested): nothing is "far future" against it, so any event time is accepted.
    /// </summary>
    public static readonly DateTimeOffset NoReference = DateTimeOffset.MaxValue.AddDays(-1);

    // Searched for a whole record or field at a time (vectorised), not byte by byte: these scans were a sixth of parsing.

    /// <summary>Outside strings JSON allows only tab, CR and LF below 0x20, and inside strings none at all; and DEL.</summary>
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(b => b is not (0x09 or 0x0A or 0x0D)).Select(b => (byte)b), 0x7F]);

    /// <summary>What <see cref="char.IsControl(char)"/> calls controls (C0, DEL, C1), and the bidirectional overrides.</summary>
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        [.. Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')]);

    /// <summary>The characters of an id: A-Z a-z 0-9 . _ : @ -.</summary>
    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@-");

    /// <param name="utf8">The record's value.</param>
    /// <param name="referenceTime">
    /// The record's own timestamp (Kafka's), against which "far future" is judged: never the wall clock, so that a
    /// replay of the same records rejects the same ones.
    /// </param>
    /// <param name="limits">Defaults to <see cref="ParserLimits.Default"/>.</param>
    public static ParseResult Parse(ReadOnlySpan<byte> utf8, DateTimeOffset referenceTime, ParserLimits? limits = null)
    {
        limits ??= ParserLimits.Default;
        if (utf8.Length > limits.MaxRecordBytes)
        {
            return ParseResult.Rejected(RejectionCode.OversizedRecord, $"record is {utf8.Length} bytes > limit {limits.MaxRecordBytes}");
        }

        if (utf8.IsEmpty)
        {
            return ParseResult.Rejected(RejectionCode.MalformedJson, "record is empty");
        }

        // Outside strings JSON allows only tab, CR and LF below 0x20, and inside strings none at all: any other
        // control byte is a control character in the text, which we name as such rather than "malformed".
        if (utf8.IndexOfAny(ControlBytes) is var at and >= 0)
        {
            return ParseResult.Rejected(RejectionCode.ControlCharacters, $"control character 0x{utf8[at]:X2} in the record");
        }

        if (TransactionDocumentReader.TryRead(utf8, out var document, out var escaped))
        {
            // Unescaped ASCII without control bytes (checked above) cannot spell a control character in any field.
            return Validate(document!, referenceTime, limits, mayHoldControls: escaped || !System.Text.Ascii.IsValid(utf8));
        }

        try
        {
            document = JsonSerializer.Deserialize(utf8, TransactionJsonContext.Default.TransactionDocument);
        }
        catch (JsonException exception)
        {
            return Diagnose(utf8, exception);
        }
        catch (InvalidOperationException exception)
        {
            return ParseResult.Rejected(RejectionCode.MalformedJson, $"not valid UTF-8 JSON ({exception.GetType().Name})");
        }

        return document is null
            ? ParseResult.Rejected(RejectionCode.NotAnObject, "record is JSON null, not an object")
            : Validate(document, referenceTime, limits, mayHoldControls: true);
    }

    private static ParseResult Validate(TransactionDocument d, DateTimeOffset referenceTime, ParserLimits limits, bool mayHoldControls)
    {
        if (Missing(d) is { } missing)
        {
            return ParseResult.Rejected(RejectionCode.MissingField, $"missing field '{missing}'");
        }

        if (mayHoldControls && FirstControlCharacterField(d) is { } controlField)
        {
            return ParseResult.Rejected(RejectionCode.ControlCharacters, $"control character in field '{controlField}'");
        }

        if (InvalidIdField(d, limits.MaxIdLength) is { } badId)
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, $"field '{badId}' must be 1-{limits.MaxIdLength} characters of A-Z a-z 0-9 . _ : @ -");
        }

        if (d.MerchantName is { } name && name.Length > limits.MaxTextLength)
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, $"field 'merchantName' is {name.Length} characters > limit {limits.MaxTextLength}");
        }

        var amount = d.Amount!.Value;
        if (amount <= 0)
        {
            return ParseResult.Rejected(RejectionCode.InvalidAmount, $"amount {amount.ToString(CultureInfo.InvariantCulture)} is not positive");
        }

        if (amount > limits.MaxAmount)
        {
            return ParseResult.Rejected(RejectionCode.AmountOutOfRange, $"amount {amount.ToString(CultureInfo.InvariantCulture)} is beyond what is stored (at most {limits.MaxAmount.ToString(CultureInfo.InvariantCulture)})");
        }

        if (amount.Scale > limits.MaxAmountDecimals && decimal.Round(amount, limits.MaxAmountDecimals) != amount)
        {
            return ParseResult.Rejected(RejectionCode.InvalidAmount, $"amount has more than {limits.MaxAmountDecimals} decimals");
        }

        if (!Currencies.IsKnown(d.Currency!))
        {
            return ParseResult.Rejected(RejectionCode.InvalidCurrency, $"'{Shorten(d.Currency!)}' is not an ISO 4217 currency code");
        }

        if (!TryParseEventTime(d.EventTime!, out var eventTime))
        {
            return ParseResult.Rejected(RejectionCode.InvalidEventTime, $"eventTime '{Shorten(d.EventTime!)}' is not an ISO-8601 timestamp with a UTC offset");
        }

        if (eventTime < limits.MinEventTime)
        {
            return ParseResult.Rejected(RejectionCode.InvalidEventTime, $"eventTime {eventTime:O} is before {limits.MinEventTime:O}");
        }

        if (eventTime > referenceTime + limits.MaxFutureSkew)
        {
            return ParseResult.Rejected(RejectionCode.FutureEventTime, $"eventTime {eventTime:O} is more than {limits.MaxFutureSkew.TotalSeconds:0} s after the record's timestamp {referenceTime.ToUniversalTime():O}");
        }

        if (WireNames.ParseType(d.Type!) is not { } type)
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, $"type '{Shorten(d.Type!)}' is not one of purchase, transfer, cash-withdrawal, refund, payment");
        }

        if (WireNames.ParseChannel(d.Channel!) is not { } channel)
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, $"channel '{Shorten(d.Channel!)}' is not one of pos, ecom, atm, transfer");
        }

        if (!IsUpperLetters(d.Country!, 2))
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, $"country '{Shorten(d.Country!)}' is not an ISO 3166-1 alpha-2 code");
        }

        if (d.MerchantCategory is { } mcc && !(mcc.Length == 4 && mcc.All(char.IsAsciiDigit)))
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, $"merchantCategory '{Shorten(mcc)}' is not a four-digit MCC");
        }

        if ((d.Latitude is null) != (d.Longitude is null))
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, "lat and lon must come together");
        }

        if (d.Latitude is { } lat && (!double.IsFinite(lat) || lat is < -90 or > 90 || !double.IsFinite(d.Longitude!.Value) || d.Longitude is < -180 or > 180))
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, "lat must lie in [-90, 90] and lon in [-180, 180]");
        }

        if ((d.BalanceBefore is null) != (d.BalanceAfter is null))
        {
            return ParseResult.Rejected(RejectionCode.InvalidField, "balanceBefore and balanceAfter must come together");
        }

        if (d.BalanceBefore is { } before && (!IsStorable(before, limits) || !IsStorable(d.BalanceAfter!.Value, limits)))
        {
            return ParseResult.Rejected(RejectionCode.InvalidField,
                $"balanceBefore and balanceAfter must have at most {limits.MaxAmountDecimals} decimals and lie within ±{limits.MaxAmount.ToString(CultureInfo.InvariantCulture)}");
        }

        return ParseResult.Valid(new Transaction
        {
            TransactionId = d.TransactionId!,
            AccountId = d.AccountId!,
            EventTime = eventTime,
            Amount = amount,
            Currency = d.Currency!,
            Type = type,
            Channel = channel,
            MerchantId = d.MerchantId,
            MerchantName = d.MerchantName,
            MerchantCategory = d.MerchantCategory,
            CounterpartyId = d.CounterpartyId,
            Country = d.Country!,
            Latitude = d.Latitude,
            Longitude = d.Longitude,
            DeviceId = d.DeviceId,
            BalanceBefore = d.BalanceBefore,
            BalanceAfter = d.BalanceAfter,
        });
    }

    /// <summary>A balance may be negative (an overdraft), but no larger in size than an amount, nor finer.</summary>
    private static bool IsStorable(decimal balance, ParserLimits limits) =>
        Math.Abs(balance) <= limits.MaxAmount && decimal.Round(balance, limits.MaxAmountDecimals) == balance;

    private static string? Missing(TransactionDocument d) =>
        d.TransactionId is null ? "transactionId"
        : d.AccountId is null ? "accountId"
        : d.EventTime is null ? "eventTime"
        : d.Amount is null ? "amount"
        : d.Currency is null ? "currency"
        : d.Type is null ? "type"
        : d.Channel is null ? "channel"
        : d.Country is null ? "country"
        : null;

    private static string? FirstControlCharacterField(TransactionDocument d) =>
        HasControl(d.TransactionId) ? "transactionId"
        : HasControl(d.AccountId) ? "accountId"
        : HasControl(d.EventTime) ? "eventTime"
        : HasControl(d.Currency) ? "currency"
        : HasControl(d.Type) ? "type"
        : HasControl(d.Channel) ? "channel"
        : HasControl(d.MerchantId) ? "merchantId"
        : HasControl(d.MerchantName) ? "merchantName"
        : HasControl(d.MerchantCategory) ? "merchantCategory"
        : HasControl(d.CounterpartyId) ? "counterpartyId"
        : HasControl(d.Country) ? "country"
        : HasControl(d.DeviceId) ? "deviceId"
        : null;

    /// <summary>C0/C1 controls, and the bidirectional overrides that make text display other than it reads.</summary>
    private static bool HasControl(string? value) => value is not null && value.AsSpan().ContainsAny(ControlCharacters);

    private static string? InvalidIdField(TransactionDocument d, int maxLength) =>
        !IsId(d.TransactionId, maxLength) ? "transactionId"
        : !IsId(d.AccountId, maxLength) ? "accountId"
        : d.MerchantId is not null && !IsId(d.MerchantId, maxLength) ? "merchantId"
        : d.CounterpartyId is not null && !IsId(d.CounterpartyId, maxLength) ? "counterpartyId"
        : d.DeviceId is not null && !IsId(d.DeviceId, maxLength) ? "deviceId"
        : null;

    private static bool IsId(string? value, int maxLength) =>
        value is { Length: > 0 } && value.Length <= maxLength && !value.AsSpan().ContainsAnyExcept(IdCharacters);

    private static bool IsUpperLetters(string value, int length) => value.Length == length && value.All(char.IsAsciiLetterUpper);

    private static readonly string[] EventTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    private static bool TryParseEventTime(string value, out DateTimeOffset eventTime)
    {
        if (TryParseUtcFast(value, out eventTime))
        {
            return true;
        }

        eventTime = default;
        // "K" also accepts no offset at all; a timestamp without one is ambiguous, so it is refused.
        var hasOffset = value.EndsWith('Z') || (value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':');
        if (!hasOffset || !DateTimeOffset.TryParseExact(value, EventTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        eventTime = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>
    /// The form every producer we know writes, <c>yyyy-MM-ddTHH:mm:ss[.f…]Z</c>, read digit by digit: the general
    /// <see cref="DateTimeOffset.TryParseExact(string, string[], IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>
    /// was a third of the parser's time. Anything else (an offset, an odd field) falls through to it.
    /// </summary>
    private static bool TryParseUtcFast(string v, out DateTimeOffset eventTime)
    {
        eventTime = default;
        if (v.Length < 20 || v.Length > 28 || v[^1] != 'Z' || v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':'
            || !Digits(v, 0, 4, out var year) || !Digits(v, 5, 2, out var month) || !Digits(v, 8, 2, out var day)
            || !Digits(v, 11, 2, out var hour) || !Digits(v, 14, 2, out var minute) || !Digits(v, 17, 2, out var second))
        {
            return false;
        }

        long fractionTicks = 0;
        if (v.Length > 20)
        {
            // ".f" to ".fffffff": at most seven digits, the tick resolution.
            var digits = v.Length - 21;
            if (v[19] != '.' || digits is < 1 or > 7 || !Digits(v, 20, digits, out var fraction))
            {
                return false;
            }

            fractionTicks = fraction;
            for (var i = digits; i < 7; i++)
            {
                fractionTicks *= 10;
            }
        }
        else if (v[19] != 'Z')
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }

        eventTime = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fractionTicks));
        return true;
    }

    private static bool Digits(string value, int start, int length, out int number)
    {
        number = 0;
        for (var i = start; i < start + length; i++)
        {
            var digit = value[i] - '0';
            if (digit is < 0 or > 9)
            {
                return false;
            }

            number = (number * 10) + digit;
        }

        return true;
    }

    private static string Shorten(string value) => value.Length <= 32 ? value : string.Concat(value.AsSpan(0, 32), "…");

    /// <summary>The slow path: the fast deserialisation failed; say exactly why.</summary>
    private static ParseResult Diagnose(ReadOnlySpan<byte> utf8, JsonException exception)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return ParseResult.Rejected(RejectionCode.MalformedJson, "record is not valid UTF-8");
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read())
            {
                return ParseResult.Rejected(RejectionCode.MalformedJson, "record holds no JSON value");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return reader.Read()
                    ? ParseResult.Rejected(RejectionCode.MalformedJson, "trailing data after the JSON value")
                    : ParseResult.Rejected(RejectionCode.NotAnObject, $"record is a JSON {reader.TokenType}, not an object");
            }

            reader.Skip();
            if (reader.Read())
            {
                return ParseResult.Rejected(RejectionCode.MalformedJson, "trailing data after the JSON object");
            }
        }
        catch (JsonException syntax)
        {
            return ParseResult.Rejected(RejectionCode.MalformedJson, $"not valid JSON at byte {syntax.BytePositionInLine ?? 0}");
        }

        // Well-formed, so the serializer refused a field given twice or a value: the exception's path names the field.
        if (RepeatedName(utf8) is { } repeated)
        {
            return ParseResult.Rejected(RejectionCode.MalformedJson, $"field '{Shorten(repeated)}' is given twice");
        }

        var field = exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : exception.Path ?? "?";
        if (field == "amount" && TokenOf(utf8, "amount") == JsonTokenType.Number)
        {
            return ParseResult.Rejected(RejectionCode.AmountOutOfRange, "amount is out of range");
        }

        return ParseResult.Rejected(RejectionCode.WrongType, $"field '{Shorten(field)}' has the wrong JSON type");
    }

    private static string? RepeatedName(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!names.Add(name))
            {
                return name;
            }

            reader.Read();
            reader.Skip();
        }

        return null;
    }

    private static JsonTokenType TokenOf(ReadOnlySpan<byte> utf8, string property)
    {
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var matches = reader.ValueTextEquals(property);
            reader.Read();
            if (matches)
            {
                return reader.TokenType;
            }

            reader.Skip();
        }

        return JsonTokenType.None;
    }
}
