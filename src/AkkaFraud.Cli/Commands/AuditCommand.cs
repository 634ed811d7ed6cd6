using System.ComponentModel;
using System.Globalization;
using AkkaFraud.Node.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

internal sealed class AuditSettings : NodeSettings
{
    [CommandOption("--limit <N>")]
    [Description("How many records, newest first (1 to 500). Default: 50.")]
    public int Limit { get; init; } = 50;

    [CommandOption("--before <ID>")]
    [Description("Only records older than this id: the 'next' of the page before.")]
    public long? Before { get; init; }

    public override ValidationResult Validate() =>
        Limit is < 1 or > 500 ? ValidationResult.Error($"--limit {Limit} is out of range: give 1 to 500")
        : Before is < 1 ? ValidationResult.Error($"--before {Before} is not a record's id: give the id of the oldest record you have seen")
        : ValidationResult.Success();
}

/// <summary>The audit log, newest first: who changed what, from where, and the answer (admin).</summary>
internal sealed class AuditCommand(CliEnvironment environment) : NodeCommand<AuditSettings>(environment)
{
    protected override Task<int> RunAsync(NodeClient node, AuditSettings settings, CancellationToken cancellationToken)
    {
        var path = $"api/audit?limit={settings.Limit.ToString(CultureInfo.InvariantCulture)}"
            + (settings.Before is { } before ? $"&before={before.ToString(CultureInfo.InvariantCulture)}" : "");
        return ShowAsync<AuditPageDto>(node, path, settings, page =>
        {
            var table = Tables.New("Id", "When", "Who", "Role", "Action", "Request", "From", "Status");
            foreach (var r in page.Records)
            {
                table.Row(r.Id.ToString(CultureInfo.InvariantCulture), Tables.Time(r.At), r.Actor ?? "anonymous", r.Role ?? "", r.Action,
                    $"{r.Method} {r.Path}", r.RemoteAddress ?? "", $"{r.Status.ToString(CultureInfo.InvariantCulture)} {r.Outcome}");
            }

            Console.Write(table);
            if (page.Next is { } next)
            {
                Console.Write(new Text($"older records: akkafraud audit --before {next.ToString(CultureInfo.InvariantCulture)}\n"));
            }
        }, cancellationToken);
    }
}
