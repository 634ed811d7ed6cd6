using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AkkaFraud.Cli.Backtesting;
using AkkaFraud.Domain;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

internal sealed class BacktestSettings : CommandSettings
{
    [CommandOption("--rules <FILE>")]
    [Description("The rule set to measure: a rule set JSON file, or 'default' or 'seed' for the built-in ones.")]
    public string? Rules { get; init; }

    [CommandOption("--input <FILE>")]
    [Description("The transactions: JSON lines (.jsonl, .ndjson, .json) as on the topic, or CSV (.csv) with --mapping.")]
    public string? Input { get; init; }

    [CommandOption("--mapping <FILE>")]
    [Description("For CSV: which column is which field (README, \"Backtests\"). Without it the header must use the field names.")]
    public string? Mapping { get; init; }

    [CommandOption("--labels <FIELD>")]
    [Description("The field (JSON) or column (CSV) that says fraud: 1/true/yes/fraud, or a scenario name; 0/false/empty is legitimate.")]
    public string? Labels { get; init; }

    [CommandOption("--against <FILE>")]
    [Description("Another rule set (or 'default', 'seed'): what the measured one flags that it does not, and the reverse.")]
    public string? Against { get; init; }

    [CommandOption("--report")]
    [Description("Also the detection table per fraud class: transactions, caught, recall (needs --labels).")]
    public bool Report { get; init; }

    [CommandOption("--verdicts <FILE>")]
    [Description("Write every verdict as a JSON line to this file.")]
    public string? Verdicts { get; init; }

    [CommandOption("--json")]
    [Description("Print the report as JSON, for scripts (no progress bar).")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        Rules is null ? ValidationResult.Error("--rules is missing: give a rule set JSON file, or 'default'.")
        : Input is null ? ValidationResult.Error("--input is missing: give a JSON-lines or CSV file of transactions.")
        : !File.Exists(Input) ? ValidationResult.Error($"--input {Input} does not exist.")
        : Mapping is not null && !File.Exists(Mapping) ? ValidationResult.Error($"--mapping {Mapping} does not exist.")
        : Report && Labels is null ? ValidationResult.Error("--report measures detection against labels: name the label field with --labels.")
        : ValidationResult.Success();
}

/// <summary>
/// Replays recorded transactions through the pure engine with a rule set: what it would have flagged, per rule, and,
/// with labels, how well (precision, recall, F1); with <c>--against</c>, what changes from another rule set.
/// </summary>
internal sealed class BacktestCommand(CliEnvironment environment) : AsyncCommand<BacktestSettings>
{
    private static readonly JsonSerializerOptions ReportJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    public override async Task<int> ExecuteAsync(CommandContext context, BacktestSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var ruleSet = LoadRuleSet(settings.Rules!, "--rules");
            var against = settings.Against is { } other ? LoadRuleSet(other, "--against") : null;
            var csv = settings.Mapping is not null || settings.Input!.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
            var mapping = settings.Mapping is { } m ? CsvMapping.Load(m) : csv ? CsvMapping.Identity : null;
            using var input = new BacktestInput(settings.Input!, settings.Labels, mapping);
            using var verdicts = settings.Verdicts is { } path ? new StreamWriter(path, append: false, new UTF8Encoding(false)) : null;
            var started = Stopwatch.StartNew();
            var report = settings.Json
                ? Run(input, ruleSet, against, verdicts, null, cancellationToken)
                : environment.Console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(progress =>
                    {
                        var task = progress.AddTask($"backtest {Path.GetFileName(settings.Input)}", maxValue: Math.Max(1, input.Length ?? 1));
                        task.IsIndeterminate = input.Length is null;
                        var result = Run(input, ruleSet, against, verdicts, () => task.Value = input.BytesRead, cancellationToken);
                        task.Value = task.MaxValue;
                        return result;
                    });
            var elapsed = started.Elapsed;
            if (settings.Json)
            {
                // The report's ratios are properties of its records: they serialize with it (NaN as "NaN").
                await environment.Out.WriteLineAsync(JsonSerializer.Serialize(new { report, rejected = input.Rejected, seconds = Math.Round(elapsed.TotalSeconds, 3) }, ReportJson));
            }
            else
            {
                Print(report, input, settings, elapsed);
            }

            return ExitCodes.Ok;
        }
        catch (CliException e)
        {
            await environment.Error.WriteLineAsync($"akkafraud: {e.Message}");
            return e.ExitCode;
        }
        catch (IOException e)
        {
            await environment.Error.WriteLineAsync($"akkafraud: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static BacktestReport Run(BacktestInput input, RuleSet ruleSet, RuleSet? against, StreamWriter? verdicts, Action? progress, CancellationToken cancellationToken)
    {
        long seen = 0;
        return Backtest.Run(input.Records(), ruleSet, against, (_, verdict) =>
        {
            if (verdicts is not null)
            {
                verdicts.WriteLine(JsonSerializer.Serialize(VerdictLine(verdict), VerdictJson));
            }

            if ((++seen & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke();
            }
        });
    }

    private static readonly JsonSerializerOptions VerdictJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>A verdict as the API and the alerts topic name its parts.</summary>
    private static object VerdictLine(Verdict v) => new
    {
        v.TransactionId,
        v.AccountId,
        v.Score,
        Decision = WireNames.Decision(v.Decision),
        v.RuleSetVersion,
        v.IsDuplicate,
        Reasons = v.Reasons.Select(r => new { r.RuleId, Kind = WireNames.RuleKind(r.Kind), r.Observed, r.Limit, r.Weight, r.Message }),
    };

    private static RuleSet LoadRuleSet(string name, string option)
    {
        if (name is "default" or "seed")
        {
            return name == "default" ? RuleSet.Default : RuleSet.Seed;
        }

        if (!File.Exists(name))
        {
            throw new CliException(ExitCodes.Usage, $"{option} {name} does not exist: give a rule set JSON file, or 'default' or 'seed'.");
        }

        try
        {
            return RuleSet.FromJson(File.ReadAllText(name));
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.Usage, $"{option} {name}: {e.Message}");
        }
    }

    private void Print(BacktestReport report, BacktestInput input, BacktestSettings settings, TimeSpan elapsed)
    {
        var console = environment.Console;
        var rate = elapsed.TotalSeconds > 0 ? report.Transactions / elapsed.TotalSeconds : 0;
        console.Write(new Text(
            $"{report.Transactions:N0} transactions of {report.Accounts:N0} accounts scored with rule set v{report.RuleSetVersion} in {elapsed.TotalSeconds:0.0} s ({rate:N0}/s): "
            + $"{report.Flagged:N0} flagged ({Share(report.Flagged, report.Transactions)})"
            + (report.Duplicates > 0 ? $", {report.Duplicates:N0} re-sent ids skipped" : "") + "\n"));
        if (input.Rejected.Count > 0)
        {
            console.Write(new Text($"{input.Rejected.Values.Sum():N0} records rejected: {string.Join(", ", input.Rejected.Select(r => $"{r.Key} {r.Value:N0}"))}; first: {string.Join("; ", input.RejectedExamples)}\n"));
        }

        if (report.Labelled)
        {
            console.Write(new Text($"{report.Fraud:N0} fraud: precision {Ratio(report.Precision)}, recall {Ratio(report.Recall)}, F1 {Ratio(report.F1)}\n"));
        }

        var rules = report.Labelled ? Tables.New("Rule", "Kind", "Weight", "Fired", "On fraud", "Precision", "Recall", "F1") : Tables.New("Rule", "Kind", "Weight", "Fired");
        foreach (var r in report.Rules)
        {
            if (report.Labelled)
            {
                // An allow rule's "on fraud" is the fraud it discounted: precision and recall measure accusations.
                rules.Row(r.RuleId, r.Kind, Number(r.Weight), Number(r.Fired), Number(r.OnFraud),
                    r.IsAllowRule ? "allow" : Ratio(r.Precision), r.IsAllowRule ? "allow" : Ratio(r.Recall), r.IsAllowRule ? "allow" : Ratio(r.F1));
            }
            else
            {
                rules.Row(r.RuleId, r.Kind, Number(r.Weight), Number(r.Fired));
            }
        }

        console.Write(rules);
        if (settings.Report)
        {
            var classes = Tables.New("Fraud class", "Transactions", "Caught", "Recall");
            foreach (var c in report.Classes)
            {
                classes.Row(c.Label, Number(c.Transactions), Number(c.Caught), Ratio(c.Recall));
            }

            console.Write(classes);
        }

        if (report.Against is { } difference)
        {
            console.Write(new Text($"against rule set v{difference.Version}: {difference.NewlyFlagged:N0} newly flagged{Examples(difference.NewlyFlaggedExamples)}, "
                + $"{difference.NoLongerFlagged:N0} no longer flagged{Examples(difference.NoLongerFlaggedExamples)}\n"));
        }
    }

    private static string Examples(IReadOnlyCollection<string> ids) => ids.Count == 0 ? "" : $" (e.g. {string.Join(", ", ids.Take(5))})";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(double value) => double.IsNaN(value) ? "-" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Share(long part, long whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
