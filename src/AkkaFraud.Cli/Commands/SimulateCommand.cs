using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AkkaFraud.Simulator;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

internal sealed class SimulateSettings : CommandSettings
{
    [CommandOption("--bootstrap <SERVERS>")]
    [Description("Kafka's bootstrap servers (default: AKKAFRAUD_KAFKA, else localhost:9092).")]
    public string? Bootstrap { get; init; }

    [CommandOption("--topic <TOPIC>")]
    [Description("The transactions topic (default transactions).")]
    public string Topic { get; init; } = "transactions";

    [CommandOption("--rate <TX_PER_S>")]
    [Description("Mean transactions per second (default 500).")]
    public double Rate { get; init; } = 500;

    [CommandOption("--count <N>")]
    [Description("How many records (default 10000; with --file, the file's lines).")]
    public int? Count { get; init; }

    [CommandOption("--accounts <N>")]
    [Description("Simulated customers (default 10000).")]
    public int Accounts { get; init; } = 10_000;

    [CommandOption("--fraud-share <SHARE>")]
    [Description("Share of transactions that are fraud, all scenarios mixed (default 0.005).")]
    public double FraudShare { get; init; } = 0.005;

    [CommandOption("--invalid-share <SHARE>")]
    [Description("Share of records that are invalid, every defect mixed (default 0.001).")]
    public double InvalidShare { get; init; } = 0.001;

    [CommandOption("--seed <N>")]
    [Description("The simulator's seed: the same seed, the same customers (default 1).")]
    public int Seed { get; init; } = 1;

    [CommandOption("--file <JSONL>")]
    [Description("Produce this file's lines (one transaction JSON each, keyed by its accountId) instead of simulated traffic.")]
    public string? File { get; init; }

    public override ValidationResult Validate() =>
        Rate is <= 0 or > 1_000_000 || !double.IsFinite(Rate) ? ValidationResult.Error("--rate must be above 0 and at most 1000000 transactions per second.")
        : Count is <= 0 ? ValidationResult.Error("--count must be at least 1.")
        : File is { } f && !System.IO.File.Exists(f) ? ValidationResult.Error($"--file '{f}' does not exist.")
        : ValidationResult.Success();
}

/// <summary>
/// Traffic for any Kafka: the seeded simulator's records (their event times follow the wall clock, at the mean rate
/// with the simulated bank's rhythm) or a JSONL file's lines, through the same producer the node uses (idempotent,
/// keyed by account), with a progress bar.
/// </summary>
internal sealed class SimulateCommand(CliEnvironment environment) : AsyncCommand<SimulateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SimulateSettings settings, CancellationToken cancellationToken)
    {
        var kafka = new KafkaSettings
        {
            BootstrapServers = settings.Bootstrap ?? environment.Variable("AKKAFRAUD_KAFKA") ?? "localhost:9092",
            ClientId = "akkafraud-cli",
            TransactionsTopic = settings.Topic,
            Producer = new KafkaProducerSettings { DeliveryTimeout = TimeSpan.FromSeconds(30) },
        };
        var records = settings.File is { } file ? FromFile(file, settings) : Simulated(settings);
        var total = settings.File is { } f ? settings.Count ?? System.IO.File.ReadLines(f).Count(l => l.Length > 0) : settings.Count ?? 10_000;
        long delivered = 0;
        Error? failure = null;
        // A broker that cannot be reached is reported once, as the CLI's one line.
        using var producer = KafkaProducer.Create(kafka, error =>
        {
            if (error.Code == ErrorCode.Local_AllBrokersDown || error.IsFatal)
            {
                failure ??= error;
            }
        });
        var started = Stopwatch.StartNew();
        try
        {
            await environment.Console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"{settings.Topic} on {kafka.BootstrapServers}", maxValue: total);
                    foreach (var (key, value, due) in records.Take(total))
                    {
                        var wait = due - started.Elapsed;
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, cancellationToken);
                        }

                        cancellationToken.ThrowIfCancellationRequested();
                        producer.Produce(settings.Topic, new Message<byte[]?, byte[]?> { Key = key, Value = value }, report =>
                        {
                            if (report.Error.IsError)
                            {
                                failure ??= report.Error;
                            }
                            else
                            {
                                Interlocked.Increment(ref delivered);
                            }
                        });
                        task.Value = Interlocked.Read(ref delivered);
                        Check(failure, kafka);
                    }

                    while (producer.Flush(TimeSpan.FromMilliseconds(200)) > 0)
                    {
                        task.Value = Interlocked.Read(ref delivered);
                        Check(failure, kafka);
                    }

                    task.Value = Interlocked.Read(ref delivered);
                });
        }
        catch (CliException e)
        {
            await environment.Error.WriteLineAsync($"akkafraud: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            producer.Flush(TimeSpan.FromSeconds(10));
        }
        catch (ProduceException<byte[]?, byte[]?> e)
        {
            await environment.Error.WriteLineAsync($"akkafraud: Kafka at {kafka.BootstrapServers} refused a record ({e.Error.Reason}): check --bootstrap and --topic.");
            return ExitCodes.Failed;
        }

        if (failure is not null || delivered < total && !cancellationToken.IsCancellationRequested)
        {
            await environment.Error.WriteLineAsync(
                $"akkafraud: {delivered} of {total} records reached {kafka.BootstrapServers} ({failure?.Reason ?? "the rest did not arrive in time"}): is Kafka running there, and does topic {settings.Topic} exist?");
            return ExitCodes.Failed;
        }

        environment.Console.Write(new Text($"{delivered} records produced to {settings.Topic} in {started.Elapsed.TotalSeconds:0.0} s\n"));
        return ExitCodes.Ok;
    }

    private static void Check(Error? failure, KafkaSettings kafka)
    {
        if (failure is { } error)
        {
            throw new CliException(error.Code == ErrorCode.Local_AllBrokersDown ? ExitCodes.Unreachable : ExitCodes.Failed,
                $"cannot produce to Kafka at {kafka.BootstrapServers} ({error.Reason}): is it running there? Name it with --bootstrap or AKKAFRAUD_KAFKA.");
        }
    }

    /// <summary>Each record with the time after the start it is due: its event time's distance from the first one's.</summary>
    private static IEnumerable<(byte[]? Key, byte[] Value, TimeSpan Due)> Simulated(SimulateSettings settings)
    {
        var start = DateTimeOffset.UtcNow;
        var simulator = new TrafficSimulator(new SimulatorOptions
        {
            Seed = settings.Seed, Accounts = settings.Accounts, Start = start, EventsPerSecond = settings.Rate,
            FraudShare = settings.FraudShare, InvalidShare = settings.InvalidShare,
        });
        foreach (var record in simulator.Records())
        {
            yield return (Encoding.UTF8.GetBytes(record.Key), record.Value, record.Timestamp - start);
        }
    }

    /// <summary>Each line, keyed by its accountId when it has one (else unkeyed), at the --rate.</summary>
    private static IEnumerable<(byte[]? Key, byte[] Value, TimeSpan Due)> FromFile(string file, SimulateSettings settings)
    {
        var i = 0;
        foreach (var line in System.IO.File.ReadLines(file).Where(l => l.Length > 0))
        {
            yield return (AccountKey(line), Encoding.UTF8.GetBytes(line), TimeSpan.FromSeconds(i++ / settings.Rate));
        }
    }

    private static byte[]? AccountKey(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("accountId", out var account) && account.ValueKind == JsonValueKind.String
                ? Encoding.UTF8.GetBytes(account.GetString()!)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
