using System.Diagnostics;
using System.Globalization;
using AkkaFraud.Simulator;

namespace AkkaFraud.Benchmarks;

/// <summary>
/// How fast the simulator generates traffic in-process, on one thread: Transaction objects with their labels, and
/// separately the records a producer sends (key, JSON value via TransactionJson.Serialize, timestamp; invalid records
/// included). Accounts make five payments a day each; more accounts means more memory touched per transaction.
/// </summary>
internal static class SimulatorBenchmark
{
    public const string Name = "simulate";

    public const string Description = "simulator generation speed: transactions/s and serialised records/s";

    public static int Run(string[] args)
    {
        var count = 5_000_000;
        int[] accounts = [10_000, 100_000];
        var fraudShare = new SimulatorOptions().FraudShare;
        var invalidShare = new SimulatorOptions().InvalidShare;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--transactions": count = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--accounts": accounts = [.. value.Split(',').Select(a => int.Parse(a, CultureInfo.InvariantCulture))]; break;
                case "--fraud-share": fraudShare = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--invalid-share": invalidShare = double.Parse(value, CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}'; options: --transactions N --accounts N[,N...] --fraud-share X --invalid-share X");
                    return 2;
            }
        }

        Console.WriteLine(FormattableString.Invariant($"simulator, one thread, {count:N0} per measurement after a warm-up; fraud share {fraudShare}, invalid share {invalidShare}"));
        foreach (var n in accounts)
        {
            var options = new SimulatorOptions { Seed = 42, Accounts = n, EventsPerSecond = n * 5 / 86_400.0, FraudShare = fraudShare, InvalidShare = invalidShare };
            Measure($"{n:N0} accounts, transactions", count, options, static simulator => simulator.NextTransaction().Transaction.TransactionId.Length);
            Measure($"{n:N0} accounts, records", count, options, static simulator => simulator.NextRecord().Value.Length);
        }

        Console.WriteLine(FormattableString.Invariant(
            $"command: dotnet run -c Release --project bench/AkkaFraud.Benchmarks -- {Name} --transactions {count} --accounts {string.Join(',', accounts)} --fraud-share {fraudShare} --invalid-share {invalidShare}"));
        return 0;
    }

    /// <summary>Generates <paramref name="count"/> items after a warm-up; <paramref name="next"/> returns a number from each, summed so nothing is optimised away.</summary>
    private static void Measure(string what, int count, SimulatorOptions options, Func<TrafficSimulator, int> next)
    {
        var simulator = new TrafficSimulator(options);
        var warmUp = Math.Min(count, 1_000_000); // tiered JIT settles, the agenda reaches its steady shape
        for (var i = 0; i < warmUp; i++)
        {
            next(simulator);
        }

        GC.Collect();
        var collections = GC.CollectionCount(0);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            sum += next(simulator);
        }

        stopwatch.Stop();
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count;
        Console.WriteLine(FormattableString.Invariant(
            $"  {what,-32} {count / stopwatch.Elapsed.TotalSeconds / 1e6,5:0.00} M/s  ({stopwatch.Elapsed.TotalSeconds:0.00} s, {bytes:0} B allocated and {sum / (double)count:0.0} per item, {GC.CollectionCount(0) - collections} gen0 GCs)"));
    }
}
