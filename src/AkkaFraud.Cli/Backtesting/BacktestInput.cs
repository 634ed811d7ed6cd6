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

    /// <summary>The file's size, or null for a pipe (<c>--input /dev/stdin</c>), whose end is known only when it comes.</summary>
    public long? Length => _file.CanSeek ? _file.Length : null;

    public long BytesRead => _file.CanSeek ? _file.Position : 0;

    /// <summary>Rejected records per reason code.</summary>
    public SortedDictionary<string, long> Rejected { get; } = new(StringComparer.Ordinal);

    /// <summary>The line numbers of the first rejected records, with their reasons.</summary>
    public List<string> RejectedExamples { get; } = [];

    public IEnumerable<BacktestRecord> Records() => _mapping is null ? JsonLines() : CsvRows(_mapping);

    /// <summary>
    /// The file's bytes split at line feeds and handed to the parser as they are, as a record's value is on the topic:
    /// decoding every line to a string and encoding it back was a fifth of the backtest's allocations. A UTF-8 byte
    /// order mark at the start is skipped, and a CR before the LF is dropped.
    /// </summary>
    private IEnumerable<BacktestRecord> JsonLines()
    {
        var buffer = new byte[1 << 16];
        int start = 0, end = 0, line = 0;
        var atStart = true;
        var endOfFile = false;
        while (true)
        {
            var length = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (length < 0 && !endOfFile)
            {
                // No whole line left in the buffer: keep the partial one, make room, read on.
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                (end, start) = (end - start, 0);
                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = _file.Read(buffer, end, buffer.Length - end);
                endOfFile = read == 0;
                end += read;
                if (atStart && end >= 2)
                {
                    start = SkipByteOrderMark(buffer.AsSpan(0, end));
                    atStart = false;
                }

                continue;
            }

            if (length < 0 && start == end)
            {
                yield break;
            }

            var next = length < 0 ? end : start + length + 1;
            var count = length < 0 ? end - start : length;
            if (count > 0 && buffer[start + count - 1] == (byte)'\r')
            {
                count--;
            }

            line++;
            var record = count == 0 ? null : Record(buffer.AsSpan(start, count), line);
            start = next;
            if (record is not null)
            {
                yield return record;
            }
        }
    }

    private BacktestRecord? Record(ReadOnlySpan<byte> json, int line) =>
        Parse(json, line) is { } transaction
            ? new BacktestRecord(transaction, _labelField is null ? null : Labels.Interpret(JsonLabel(json, _labelField)), _labelField is not null)
            : null;

    /// <returns>Where the text begins: after a UTF-8 byte order mark, if there is one.</returns>
    /// <exception cref="CliException">The file is UTF-16 or UTF-32, which the topic never carries.</exception>
    private static int SkipByteOrderMark(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return 3;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw new CliException(ExitCodes.Usage, "the input is UTF-16 or UTF-32; JSON lines are read as UTF-8, as records are on the topic: convert it first (iconv -f UTF-16 -t UTF-8 in.jsonl > out.jsonl)");
        }

        return 0;
    }

    private IEnumerable<BacktestRecord> CsvRows(CsvMapping mapping)
    {
        using var reader = new StreamReader(_file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true);
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
