using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AkkaFraud.Domain;

namespace AkkaFraud.Cli.Backtesting;

/// <summary>
/// A backtest's input file, record by record: JSON lines (one transaction each, as on the topic) or CSV through a
/// <see cref="CsvMapping"/>. Every record goes through <see cref="TransactionParser"/>, the pipeline's own validation:
/// a record it rejects is counted by reason, never scored. <see cref="BytesRead"/> drives the progress bar.
/// </summary>
internal sealed class BacktestInput : IDisposable
{
    private readonly FileStream _file;
    private readonly string? _labelField;
    private readonly CsvMapping? _mapping;

    public BacktestInput(string path, string? labelField, CsvMapping? mapping)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        _labelField = labelField;
        _mapping = mapping;
    }

    public long Length => _file.Length;

    public long BytesRead => _file.Position;

    /// <summary>Rejected records per reason code.</summary>
    public SortedDictionary<string, long> Rejected { get; } = new(StringComparer.Ordinal);

    /// <summary>The line numbers of the first rejected records, with their reasons.</summary>
    public List<string> RejectedExamples { get; } = [];

    public IEnumerable<BacktestRecord> Records()
    {
        using var reader = new StreamReader(_file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true);
        foreach (var record in _mapping is null ? JsonLines(reader) : CsvRows(reader, _mapping))
        {
            yield return record;
        }
    }

    private IEnumerable<BacktestRecord> JsonLines(StreamReader reader)
    {
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            if (Parse(bytes, line) is { } transaction)
            {
                yield return new BacktestRecord(transaction, _labelField is null ? null : Labels.Interpret(JsonLabel(bytes, _labelField)), _labelField is not null);
            }
        }
    }

    private IEnumerable<BacktestRecord> CsvRows(StreamReader reader, CsvMapping mapping)
    {
        if (reader.ReadLine() is not { } headerLine)
        {
            yield break;
        }

        var header = Csv.Split(headerLine, mapping.Delimiter);
        var columns = mapping.Resolve(header, _labelField);
        var buffer = new ArrayBufferWriter<byte>(512);
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var cells = Csv.Split(text, mapping.Delimiter);
            buffer.ResetWrittenCount();
            columns.WriteJson(cells, line, buffer);
            if (Parse(buffer.WrittenSpan, line) is { } transaction)
            {
                yield return new BacktestRecord(transaction, columns.Label(cells) is { } label ? Labels.Interpret(label) : null, _labelField is not null);
            }
        }
    }

    private Transaction? Parse(ReadOnlySpan<byte> json, int line)
    {
        // Recorded data has no Kafka timestamp to judge "far future" by: like the pipeline without one, accept any time.
        var result = TransactionParser.Parse(json, TransactionParser.NoReference);
        if (result.Transaction is { } transaction)
        {
            return transaction;
        }

        var rejection = result.Rejection!;
        Rejected[rejection.ReasonCode] = Rejected.GetValueOrDefault(rejection.ReasonCode) + 1;
        if (RejectedExamples.Count < 5)
        {
            RejectedExamples.Add($"line {line.ToString(CultureInfo.InvariantCulture)}: {rejection.ReasonCode} ({rejection.Detail})");
        }

        return null;
    }

    /// <summary>The label property of a JSON line as text (true, 1, "account-takeover"...), or null when it has none.</summary>
    private static string? JsonLabel(ReadOnlySpan<byte> json, string field)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(field);
                reader.Read();
                if (match)
                {
                    return reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.True => "true",
                        JsonTokenType.False => "false",
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        _ => null,
                    };
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The parser has accepted the line, so this cannot happen; a label it cannot read is no label.
        }

        return null;
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>What a label's text means: a legitimate transaction (null), plain fraud, or a fraud of a named class.</summary>
internal static class Labels
{
    private static readonly HashSet<string> Legitimate = new(StringComparer.OrdinalIgnoreCase) { "", "0", "false", "no", "n", "legit", "legitimate", "none", "null" };
    private static readonly HashSet<string> PlainFraud = new(StringComparer.OrdinalIgnoreCase) { "1", "true", "yes", "y", "fraud" };

    public static string? Interpret(string? label)
    {
        var text = label?.Trim();
        return text is null || Legitimate.Contains(text) ? null
            : PlainFraud.Contains(text) ? Backtest.FraudClass
            : text;
    }
}
