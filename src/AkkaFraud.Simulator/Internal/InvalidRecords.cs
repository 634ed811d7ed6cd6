using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Internal;

/// <summary>
/// Records that are not valid transactions, the way real producers get them wrong: truncated, glued together,
/// double-encoded, fields missing or of the wrong type, impossible amounts, bad currencies and timestamps, oversized,
/// control characters in text. Each is a realistic record broken in exactly one way, so the rejection code is certain.
/// Draws from its own random stream: invalid records do not change the valid traffic.
/// </summary>
internal sealed class InvalidRecords(Simulation simulation, Rng rng)
{
    private static readonly string[] RequiredFields = ["transactionId", "accountId", "eventTime", "amount", "currency", "type", "channel", "country"];

    private static readonly Defect[] Defects =
    [
        new(RejectionCode.MalformedJson, "cut off mid-record", d => d.Json[..d.Rng.Between(1, d.Json.Length - 2)]),
        new(RejectionCode.MalformedJson, "two records glued together", d => [.. d.Json, .. d.Json]),
        new(RejectionCode.MalformedJson, "CSV instead of JSON", d => Encoding.UTF8.GetBytes(string.Join(',',
            d.Transaction.TransactionId, d.Transaction.AccountId, d.Transaction.Amount.ToString(CultureInfo.InvariantCulture), d.Transaction.Currency))),
        new(RejectionCode.NotAnObject, "wrapped in an array", d => [(byte)'[', .. d.Json, (byte)']']),
        new(RejectionCode.NotAnObject, "JSON encoded twice (a string)", d => Encoding.UTF8.GetBytes(JsonValue.Create(Encoding.UTF8.GetString(d.Json)).ToJsonString())),
        new(RejectionCode.NotAnObject, "the JSON literal null", _ => "null"u8.ToArray()),
        .. RequiredFields.Select(field => new Defect(RejectionCode.MissingField, $"no '{field}' field", d => d.Edit(o => o.Remove(field)))),
        new(RejectionCode.WrongType, "amount as a string", d => d.Edit(o => o["amount"] = d.Transaction.Amount.ToString(CultureInfo.InvariantCulture))),
        new(RejectionCode.WrongType, "amount \"NaN\"", d => d.Edit(o => o["amount"] = "NaN")),
        new(RejectionCode.WrongType, "eventTime as Unix milliseconds", d => d.Edit(o => o["eventTime"] = d.Transaction.EventTimeMs)),
        new(RejectionCode.WrongType, "transactionId as a number", d => d.Edit(o => o["transactionId"] = d.Rng.Next(1_000_000))),
        new(RejectionCode.WrongType, "lat as a string", d => d.Edit(o => o["lat"] = d.Transaction.Latitude!.Value.ToString(CultureInfo.InvariantCulture))),
        new(RejectionCode.InvalidAmount, "negative amount", d => d.Edit(o => o["amount"] = -d.Transaction.Amount)),
        new(RejectionCode.InvalidAmount, "zero amount", d => d.Edit(o => o["amount"] = 0m)),
        new(RejectionCode.InvalidAmount, "amount with six decimals", d => d.Edit(o => o["amount"] = d.Transaction.Amount + 0.000123m)),
        new(RejectionCode.AmountOutOfRange, "amount of 10^15", d => d.Edit(o => o["amount"] = 1_000_000_000_000_000m)),
        new(RejectionCode.AmountOutOfRange, "amount 1E+40", d => d.Edit(o => o["amount"] = 1e40)),
        new(RejectionCode.InvalidCurrency, "currency in lower case", d => d.Edit(o => o["currency"] = d.Transaction.Currency.ToLowerInvariant())),
        new(RejectionCode.InvalidCurrency, "currency 'EURO'", d => d.Edit(o => o["currency"] = "EURO")),
        new(RejectionCode.InvalidCurrency, "currency as a symbol", d => d.Edit(o => o["currency"] = "€")),
        new(RejectionCode.InvalidEventTime, "eventTime without a UTC offset", d => d.Edit(o => o["eventTime"] = d.Transaction.EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture))),
        new(RejectionCode.InvalidEventTime, "eventTime 'yesterday'", d => d.Edit(o => o["eventTime"] = "yesterday")),
        new(RejectionCode.InvalidEventTime, "eventTime on February 30", d => d.Edit(o => o["eventTime"] = $"{d.Transaction.EventTime.Year}-02-30T10:00:00Z")),
        new(RejectionCode.InvalidEventTime, "eventTime in 1999", d => d.Edit(o => o["eventTime"] = "1999-12-31T23:59:59.000Z")),
        new(RejectionCode.FutureEventTime, "eventTime hours to days after its record", d => d.Edit(o => o["eventTime"] =
            d.Timestamp.AddHours(d.Rng.Between(1.0, 720.0)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))),
        new(RejectionCode.OversizedRecord, "a 20 KiB receipt attached", d => d.Edit(o => o["receipt"] = Convert.ToBase64String(new byte[20 * 1024]))),
        new(RejectionCode.ControlCharacters, "NUL byte in the merchant name", d => InsertIntoMerchantName(d.Json, 0x00)),
        new(RejectionCode.ControlCharacters, "escaped line break in the merchant name", d => d.Edit(o => o["merchantName"] = d.Transaction.MerchantName + "\nBranch 2")),
        new(RejectionCode.ControlCharacters, "right-to-left override in the merchant name", d => d.Edit(o => o["merchantName"] = "\u202E" + d.Transaction.MerchantName)),
        new(RejectionCode.InvalidField, "space in the transactionId", d => d.Edit(o => o["transactionId"] = d.Transaction.TransactionId.Replace('-', ' '))),
        new(RejectionCode.InvalidField, "country spelled out", d => d.Edit(o => o["country"] = "Germany")),
        new(RejectionCode.InvalidField, "unknown channel", d => d.Edit(o => o["channel"] = "mobile")),
        new(RejectionCode.InvalidField, "unknown type", d => d.Edit(o => o["type"] = "purchse")),
        new(RejectionCode.InvalidField, "five-digit merchantCategory", d => d.Edit(o => o["merchantCategory"] = d.Transaction.MerchantCategory + "1")),
        new(RejectionCode.InvalidField, "latitude out of range", d => d.Edit(o => o["lat"] = 123.4)),
        new(RejectionCode.InvalidField, "lat without lon", d => d.Edit(o => o.Remove("lon"))),
        new(RejectionCode.InvalidField, "merchant name of 300 characters", d => d.Edit(o => o["merchantName"] = new string('x', 300))),
    ];

    private long _count;

    /// <summary>An invalid record, as if sent by a customer's card payment at <paramref name="eventMs"/>.</summary>
    public SimulatedRecord Next(long eventMs, DateTimeOffset timestamp)
    {
        var customer = simulation.Customers[rng.Next(simulation.Customers.Count)];
        var shop = simulation.World.AnyShopIn(customer.Home, rng)!; // every city has shops (at least 200 merchants)
        var transaction = new Transaction
        {
            TransactionId = $"{simulation.IdPrefix}x{++_count}",
            AccountId = customer.AccountId,
            EventTime = DateTimeOffset.FromUnixTimeMilliseconds(eventMs),
            Amount = Money.Cents(rng.LogNormal(shop.Category.MedianEur, shop.Category.Sigma) * customer.PerEuro),
            Currency = customer.Currency,
            Type = shop.Category.Kind == MerchantKind.Atm ? TransactionType.CashWithdrawal : TransactionType.Purchase,
            Channel = shop.Category.Kind == MerchantKind.Atm ? Channel.Atm : Channel.Pos,
            MerchantId = shop.Id,
            MerchantName = shop.Name,
            MerchantCategory = shop.Category.Mcc,
            Country = shop.Country,
            Latitude = shop.Latitude,
            Longitude = shop.Longitude,
        };

        var defect = Defects[rng.Next(Defects.Length)];
        return new SimulatedRecord
        {
            Key = customer.AccountId,
            Value = defect.Apply(new Draft(transaction, TransactionJson.Serialize(transaction), timestamp, rng)),
            Timestamp = timestamp,
            Defect = new RecordDefect(defect.Code, defect.Description),
        };
    }

    private static byte[] InsertIntoMerchantName(byte[] json, byte b)
    {
        var at = json.AsSpan().IndexOf("\"merchantName\":\""u8) + "\"merchantName\":\""u8.Length;
        return [.. json.AsSpan(0, at), b, .. json.AsSpan(at)];
    }

    private sealed record Defect(RejectionCode Code, string Description, Func<Draft, byte[]> Apply);

    private sealed record Draft(Transaction Transaction, byte[] Json, DateTimeOffset Timestamp, Rng Rng)
    {
        public byte[] Edit(Action<JsonObject> edit)
        {
            var document = JsonNode.Parse(Json)!.AsObject();
            edit(document);
            return Encoding.UTF8.GetBytes(document.ToJsonString());
        }
    }
}
