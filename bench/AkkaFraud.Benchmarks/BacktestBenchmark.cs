using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AkkaFraud.Domain;
using AkkaFraud.Simulator;

namespace AkkaFraud.Benchmarks;

/// <summary>
/// <c>akkafraud backtest</c> as a user runs it, pinned to one core (<c>taskset -c 0</c>): simulated transactions as
/// JSON lines in a temporary file, scored with the default rule set, three runs, the median rate read from the CLI's
/// own JSON report (records parsed, validated and scored, per second of its run). Beside it, in this process, the
/// engine alone (<see cref="Backtest.Run"/> over transactions already parsed), to show what parsing costs.
/// </summary>
internal static class BacktestBenchmark
{
    public const string Name = "backtest";

    public const string Description = "akkafraud backtest on one core: JSON lines parsed and scored per second (target 300k)";

    public static int Run(string[] args)
    {
        var count = BenchSupport.IntOption(args, "transactions", 2_000_000);
        var accounts = BenchSupport.IntOption(args, "accounts", 100_000);
        var cli = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/AkkaFraud.Cli/bin/Release/net10.0/akkafraud.dll"));
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"the CLI is not built at {cli}: run 'dotnet build src/AkkaFraud.Cli -c Release' first");
            return 2;
        }

        var file = Environment.GetEnvironmentVariable("AKKAFRAUD_BENCH_KEEP") ?? Path.Combine(Path.GetTempPath(), $"akkafraud-backtest-{Environment.ProcessId}.jsonl");
        try
        {
            Console.WriteLine(FormattableString.Invariant($"writing {count:N0} simulated transactions of {accounts:N0} accounts to {file}"));
            var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 42, Accounts = accounts, EventsPerSecond = accounts * 5 / 86_400.0, InvalidShare = 0 });
            var transactions = new List<Transaction>(count);
            using (var writer = new StreamWriter(file))
            {
                foreach (var t in simulator.Transactions().Take(count))
                {
                    transactions.Add(t.Transaction);
                    writer.WriteLine(System.Text.Encoding.UTF8.GetString(TransactionJson.Serialize(t.Transaction)));
                }
            }

            var rates = new List<double>();
            for (var run = 1; run <= 3; run++)
            {
                var rate = RunCli(cli, file);
                rates.Add(rate);
                Console.WriteLine(FormattableString.Invariant($"  run {run}: {rate:N0} tx/s (CLI on one core, parse + validate + score)"));
            }

            var parse = Stopwatch.StartNew();
            var parsed = 0;
            foreach (var line in File.ReadLines(file))
            {
                parsed += TransactionParser.Parse(System.Text.Encoding.UTF8.GetBytes(line), TransactionParser.NoReference).Transaction is null ? 0 : 1;
            }

            Console.WriteLine(FormattableString.Invariant($"  parsing alone, in-process: {parsed / parse.Elapsed.TotalSeconds:N0} lines/s"));
            var engine = Stopwatch.StartNew();
            var report = Backtest.Run(transactions.Select(t => new BacktestRecord(t, null, false)), RuleSet.Default);
            var engineRate = report.Transactions / engine.Elapsed.TotalSeconds;
            var median = rates.Order().ElementAt(1);
            Console.WriteLine(FormattableString.Invariant($"median {median:N0} tx/s on one core (target 300,000: {(median >= 300_000 ? "met" : "not met")}); engine alone, in-process, {engineRate:N0} tx/s"));
            Console.WriteLine(FormattableString.Invariant($"command: dotnet build src/AkkaFraud.Cli -c Release && dotnet run -c Release --project bench/AkkaFraud.Benchmarks -- {Name} --transactions {count} --accounts {accounts}"));
            return 0;
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("AKKAFRAUD_BENCH_KEEP") is null)
            {
                File.Delete(file);
            }
        }
    }

    private static double RunCli(string cli, string file)
    {
        var start = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", "0", "dotnet", cli, "backtest", "--rules", "default", "--input", file, "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"akkafraud backtest failed ({process.ExitCode}): {error}");
        }

        var root = JsonDocument.Parse(output).RootElement;
        return root.GetProperty("report").GetProperty("transactions").GetInt64() / root.GetProperty("seconds").GetDouble();
    }
}
