namespace AkkaFraud.Benchmarks;

internal static class BenchmarkCatalog
{
    private static readonly Dictionary<string, (string Description, Func<string[], int> Run)> Benchmarks = new(StringComparer.Ordinal)
    {
        [StorageWriteBenchmark.Name] = (StorageWriteBenchmark.Description, StorageWriteBenchmark.Run),
        [KafkaConsumeBenchmark.Name] = (KafkaConsumeBenchmark.Description, KafkaConsumeBenchmark.Run),
        [SimulatorBenchmark.Name] = (SimulatorBenchmark.Description, SimulatorBenchmark.Run),
        [EngineBenchmark.Name] = (EngineBenchmark.Description, EngineBenchmark.Run),
        [EndToEndBenchmark.Name] = (EndToEndBenchmark.Description, EndToEndBenchmark.Run),
        [BacktestBenchmark.Name] = (BacktestBenchmark.Description, BacktestBenchmark.Run),
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || !Benchmarks.TryGetValue(args[0], out var benchmark))
        {
            Console.Error.WriteLine("usage: dotnet run -c Release --project bench/AkkaFraud.Benchmarks -- <benchmark> [options]");
            Console.Error.WriteLine("benchmarks:");
            foreach (var (name, (description, _)) in Benchmarks)
            {
                Console.Error.WriteLine($"  {name,-16} {description}");
            }

            return args.Length == 0 ? 0 : 2;
        }

        return benchmark.Run(args[1..]);
    }
}
