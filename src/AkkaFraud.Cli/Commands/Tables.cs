using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AkkaFraud.Cli.Commands;

/// <summary>Readable tables; every value is shown as text, never interpreted as markup.</summary>
internal static class Tables
{
    public static Table New(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    public static void Row(this Table table, params string?[] cells) =>
        table.AddRow([.. cells.Select(c => (IRenderable)new Text(c ?? "-"))]);

    /// <summary>A member's address as tables show it and <c>leave</c>/<c>down</c> take it: without "akka.tcp://".</summary>
    public static string Node(string? address) =>
        address is null ? "-" : address.StartsWith("akka.tcp://", StringComparison.Ordinal) ? address["akka.tcp://".Length..] : address;

    public static string Number(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? value) =>
        value is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>Partitions as ranges: 0-3,7.</summary>
    public static string Ranges(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return "-";
        }

        var parts = new List<string>();
        var sorted = values.Order().ToList();
        var start = sorted[0];
        for (var i = 1; i <= sorted.Count; i++)
        {
            if (i == sorted.Count || sorted[i] != sorted[i - 1] + 1)
            {
                var end = sorted[i - 1];
                parts.Add(start == end ? start.ToString(CultureInfo.InvariantCulture) : $"{start}-{end}");
                if (i < sorted.Count)
                {
                    start = sorted[i];
                }
            }
        }

        return string.Join(',', parts);
    }
}
