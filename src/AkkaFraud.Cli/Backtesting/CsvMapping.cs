using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AkkaFraud.Domain;

namespace AkkaFraud.Cli.Backtesting;

/// <summary>
/// How a CSV file's columns become transaction fields (README, "Backtests"): <see cref="Fields"/> names the column of
/// each field, <see cref="Constants"/> fills fields the file does not have, <see cref="Values"/> translates a column's
/// codes (PAYMENT → payment), and <see cref="EventTime"/> says how the time column counts. Each row becomes the JSON a
/// producer would have sent, so it is validated exactly like a record from Kafka. Without a transactionId column the
/// id is the row's line number.
/// </summary>
internal sealed record CsvMapping
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Transaction fields written as JSON numbers; the rest are strings.</summary>
    private static readonly HashSet<string> NumberFields = ["amount", "balanceBefore", "balanceAfter", "lat", "lon"];

    private static readonly HashSet<string> KnownFields =
    [
        "transactionId", "accountId", "eventTime", "amount", "currency", "type", "channel", "merchantId", "merchantName",
        "merchantCategory", "counterpartyId", "country", "lat", "lon", "deviceId", "balanceBefore", "balanceAfter",
    ];

    public char Delimiter { get; init; } = ',';

    /// <summary>Transaction field → CSV column name.</summary>
    public Dictionary<string, string> Fields { get; init; } = [];

    /// <summary>Transaction field → the value every row gets.</summary>
    public Dictionary<string, string> Constants { get; init; } = [];

    /// <summary>Transaction field → (the column's value → the field's value); a value not listed passes as it is.</summary>
    public Dictionary<string, Dictionary<string, string>> Values { get; init; } = [];

    public EventTimeMapping EventTime { get; init; } = new();

    /// <summary>
    /// The time column: <c>iso</c> (ISO 8601 with an offset, as on the topic), or a number of <c>seconds</c>,
    /// <c>milliseconds</c>, <c>minutes</c>, <c>hours</c> or <c>days</c> after <see cref="Origin"/>.
    /// </summary>
    internal sealed record EventTimeMapping
    {
        public string Unit { get; init; } = "iso";

        public DateTimeOffset Origin { get; init; } = DateTimeOffset.UnixEpoch;
    }

    /// <summary>Reads and checks a mapping file; a mistake is a <see cref="CliException"/> that names it.</summary>
    public static CsvMapping Load(string path)
    {
        CsvMapping? mapping;
        try
        {
            mapping = JsonSerializer.Deserialize<CsvMapping>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new CliException(ExitCodes.Usage, $"--mapping {path} is not a valid mapping ({e.Message}); see README, \"Backtests\", for its form.");
        }

        if (mapping is null)
        {
            throw new CliException(ExitCodes.Usage, $"--mapping {path} is empty: give at least \"fields\".");
        }

        var unknown = mapping.Fields.Keys.Concat(mapping.Constants.Keys).Concat(mapping.Values.Keys).Where(f => !KnownFields.Contains(f)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new CliException(ExitCodes.Usage,
                $"--mapping {path} names {string.Join(", ", unknown.Select(u => $"'{u}'"))}, not transaction fields; they are {string.Join(", ", KnownFields)}.");
        }

        if (mapping.EventTime.Unit is not ("iso" or "seconds" or "milliseconds" or "minutes" or "hours" or "days"))
        {
            throw new CliException(ExitCodes.Usage, $"--mapping {path}: eventTime.unit '{mapping.EventTime.Unit}' is not iso, seconds, milliseconds, minutes, hours or days.");
        }

        return mapping;
    }

    /// <summary>The mapping for a file whose header already uses the transaction's field names.</summary>
    public static CsvMapping Identity { get; } = new() { Fields = KnownFields.ToDictionary(f => f, f => f) };

    /// <summary>Binds the mapping to a header; a column it names that the header lacks is a <see cref="CliException"/>.</summary>
    public Columns Resolve(IReadOnlyList<string> header, string? labelColumn)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            index.TryAdd(header[i].Trim(), i);
        }

        var fields = new List<(string Field, int Column)>();
        foreach (var (field, column) in Fields)
        {
            if (index.TryGetValue(column, out var at))
            {
                fields.Add((field, at));
            }
            else if (!ReferenceEquals(this, Identity))
            {
                throw new CliException(ExitCodes.Usage, $"the CSV header has no column '{column}' (mapped to {field}); it has {string.Join(", ", header)}.");
            }
        }

        int? label = null;
        if (labelColumn is not null)
        {
            label = index.TryGetValue(labelColumn, out var at)
                ? at
                : throw new CliException(ExitCodes.Usage, $"--labels {labelColumn}: the CSV header has no such column; it has {string.Join(", ", header)}.");
        }

        return new Columns(this, fields, label);
    }

    /// <summary>A mapping bound to one file's header: turns its rows into transaction JSON.</summary>
    internal sealed class Columns(CsvMapping mapping, List<(string Field, int Column)> fields, int? label)
    {
        private readonly bool _hasId = fields.Any(f => f.Field == "transactionId") || mapping.Constants.ContainsKey("transactionId");

        public string? Label(IReadOnlyList<string> cells) => label is { } at && at < cells.Count ? cells[at] : null;

        public void WriteJson(IReadOnlyList<string> cells, int line, IBufferWriter<byte> output)
        {
            using var json = new Utf8JsonWriter(output);
            json.WriteStartObject();
            if (!_hasId)
            {
                json.WriteString("transactionId", "row-" + line.ToString(CultureInfo.InvariantCulture));
            }

            foreach (var (field, value) in mapping.Constants)
            {
                Write(json, field, value);
            }

            foreach (var (field, column) in fields)
            {
                if (column >= cells.Count || cells[column].Length == 0)
                {
                    continue; // an empty cell is an absent field: the parser says whether it may be
                }

                var value = cells[column];
                if (mapping.Values.TryGetValue(field, out var codes) && codes.TryGetValue(value, out var translated))
                {
                    value = translated;
                }

                if (field == "eventTime")
                {
                    value = mapping.EventTimeText(value);
                }

                Write(json, field, value);
            }

            json.WriteEndObject();
        }

        private static void Write(Utf8JsonWriter json, string field, string value)
        {
            // A number column that does not hold a number goes as text: the parser then names the field and the problem.
            if (NumberFields.Contains(field) && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                json.WriteNumber(field, number);
            }
            else
            {
                json.WriteString(field, value);
            }
        }
    }

    private string EventTimeText(string value)
    {
        if (EventTime.Unit == "iso" || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var count))
        {
            return value;
        }

        var offset = EventTime.Unit switch
        {
            "milliseconds" => TimeSpan.FromMilliseconds(count),
            "seconds" => TimeSpan.FromSeconds(count),
            "minutes" => TimeSpan.FromMinutes(count),
            "hours" => TimeSpan.FromHours(count),
            _ => TimeSpan.FromDays(count),
        };
        return TransactionJson.FormatEventTime(EventTime.Origin + offset);
    }
}

/// <summary>RFC 4180 fields: quoted ones may hold the delimiter and doubled quotes; no field spans lines.</summary>
internal static class Csv
{
    public static List<string> Split(string line, char delimiter)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"' && cell.Length == 0)
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
