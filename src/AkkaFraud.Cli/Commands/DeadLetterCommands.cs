using System.ComponentModel;
using System.Globalization;
using AkkaFraud.Node.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

internal sealed class DeadLetterListSettings : NodeSettings
{
    [CommandOption("--reason <CODE>")]
    [Description("Only this reason code, e.g. malformed_json.")]
    public string? Reason { get; init; }

    [CommandOption("--partition <N>")]
    [Description("Only this partition of the transactions topic.")]
    public int? Partition { get; init; }

    [CommandOption("--from <TIME>")]
    [Description("Received at or after this time (ISO-8601).")]
    public string? From { get; init; }

    [CommandOption("--to <TIME>")]
    [Description("Received before this time (ISO-8601).")]
    public string? To { get; init; }

    [CommandOption("--limit <N>")]
    [Description("How many, newest first (default 50, at most 1000 per page).")]
    public int Limit { get; init; } = 50;

    [CommandOption("--after <CURSOR>")]
    [Description("Continue after a previous page (its 'next').")]
    public string? After { get; init; }
}

internal sealed class DeadLetterListCommand(CliEnvironment environment) : NodeCommand<DeadLetterListSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, DeadLetterListSettings settings, CancellationToken cancellationToken)
    {
        var query = new List<string> { "limit=" + settings.Limit.ToString(CultureInfo.InvariantCulture) };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("reason", settings.Reason);
        Add("partition", settings.Partition?.ToString(CultureInfo.InvariantCulture));
        Add("from", settings.From);
        Add("to", settings.To);
        Add("after", settings.After);
        return await ShowAsync<DeadLetterPageDto>(node, "api/dead-letters?" + string.Join('&', query), settings, page =>
        {
            var table = Tables.New("Partition", "Offset", "Received", "Reason", "Bytes", "Preview");
            foreach (var l in page.Items)
            {
                table.Row(l.Partition.ToString(CultureInfo.InvariantCulture), l.Offset.ToString(CultureInfo.InvariantCulture), Tables.Time(l.ReceivedAt),
                    l.ReasonCode, l.Bytes.ToString(CultureInfo.InvariantCulture), Printable(l.Preview, 60));
            }

            Console.Write(table);
            Console.Write(new Text(page.Next is { } next
                ? $"{page.Items.Count} shown; more with --after {next}\n"
                : $"{page.Items.Count} shown; no more\n"));
        }, cancellationToken);
    }

    /// <summary>What a terminal can show on one line: control characters (escape sequences too) as \u escapes.</summary>
    public static string Printable(string text, int max)
    {
        var shown = string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return shown.Length <= max ? shown : shown[..max] + "…";
    }
}

internal sealed class DeadLetterRefSettings : NodeSettings
{
    [CommandArgument(0, "<PARTITION>")]
    [Description("The partition of the transactions topic.")]
    public int Partition { get; init; }

    [CommandArgument(1, "<OFFSET>")]
    [Description("The record's offset in it.")]
    public long Offset { get; init; }
}

internal sealed class DeadLetterShowCommand(CliEnvironment environment) : NodeCommand<DeadLetterRefSettings>(environment)
{
    protected override Task<int> RunAsync(NodeClient node, DeadLetterRefSettings settings, CancellationToken cancellationToken) =>
        ShowAsync<DeadLetterDto>(node, $"api/dead-letters/{settings.Partition.ToString(CultureInfo.InvariantCulture)}/{settings.Offset.ToString(CultureInfo.InvariantCulture)}",
            settings, Render, cancellationToken);

    private void Render(DeadLetterDto d)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Line(string name, string value) => grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
        Line("Record", $"{d.Letter.Topic}[{d.Letter.Partition}] offset {d.Letter.Offset} (Kafka cluster {d.Letter.KafkaCluster})");
        Line("Received", Tables.Time(d.Letter.ReceivedAt));
        Line("Reason", $"{d.Letter.ReasonCode}: {d.Letter.Detail}");
        Line("Parses now", d.ParsesNow ? "yes: it can be replayed" : $"no: {d.RejectedNowBecause}");
        Line("Payload", $"{d.Letter.Bytes} bytes, {d.PayloadEncoding}");
        Console.Write(grid);
        Console.Write(new Text(DeadLetterListCommand.Printable(d.Payload, int.MaxValue) + "\n"));
    }
}

internal sealed class DeadLetterReplaySettings : NodeSettings
{
    [CommandArgument(0, "<LETTERS>")]
    [Description("The dead letters to replay, as PARTITION/OFFSET (e.g. 3/1042 0/17).")]
    public string[] Letters { get; init; } = [];

    public override ValidationResult Validate() =>
        Letters.All(l => TryParse(l, out _)) && Letters.Length > 0
            ? ValidationResult.Success()
            : ValidationResult.Error("name dead letters as PARTITION/OFFSET, e.g. akkafraud dlq replay 3/1042 0/17 (see akkafraud dlq list).");

    public static bool TryParse(string text, out DeadLetterRef letter)
    {
        letter = new DeadLetterRef(0, 0);
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            letter = new DeadLetterRef(partition, offset);
            return true;
        }

        return false;
    }
}

internal sealed class DeadLetterReplayCommand(CliEnvironment environment) : NodeCommand<DeadLetterReplaySettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, DeadLetterReplaySettings settings, CancellationToken cancellationToken)
    {
        var letters = settings.Letters.Select(l => DeadLetterReplaySettings.TryParse(l, out var r) ? r : throw new InvalidOperationException(l)).ToList();
        var body = await node.SendJsonAsync(HttpMethod.Post, "api/dead-letters/replay", new ReplayRequest(letters), cancellationToken);
        if (settings.Json)
        {
            return await PrintJsonAsync(body);
        }

        var result = node.Parse<ReplayResponse>(body, "api/dead-letters/replay");
        foreach (var r in result.Replayed)
        {
            Console.Write(new Text($"replayed {r.Partition}/{r.Offset} as transaction {r.TransactionId} -> partition {r.ToPartition} offset {r.ToOffset}\n"));
        }

        foreach (var s in result.Skipped)
        {
            Console.Write(new Text($"skipped {s.Partition}/{s.Offset}: {s.Reason}\n"));
        }

        // A script asked for these letters: any left behind is a failure it must see.
        return result.Skipped.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
