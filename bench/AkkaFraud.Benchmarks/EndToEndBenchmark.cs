using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Akka.Hosting;
using AkkaFraud.Cluster;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Domain;
using AkkaFraud.Simulator;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.Streams.Kafka.Embedded;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AkkaFraud.Benchmarks;

/// <summary>
/// End to end on one node: EmbeddedKafka → the real pipeline (parse, sharded accounts, batched exactly-once writes)
/// → PostgreSQL, with simulator records produced concurrently at bounded lag. In the same run it measures the two
/// halves alone — a raw consumer loop over the same records and raw binary COPY of as many rows — and reports
/// L = 1 / (1/consume + 1/copy), the ceiling when the same cores must both consume and write every record.
/// Then it offers a fixed rate and reports ingest→commit latency percentiles.
/// </summary>
internal static class EndToEndBenchmark
{
    public const string Name = "e2e";
    public const string Description = "Kafka → pipeline → PostgreSQL tx/s vs L, and latency at a fixed rate (--records N --rate R --seconds S; needs AKKAFRAUD_BENCH_POSTGRES)";

    private const int Partitions = 12;

    public static int Run(string[] args)
    {
        var server = Environment.GetEnvironmentVariable(StorageWriteBenchmark.ServerVariable);
        if (string.IsNullOrEmpty(server))
        {
            Console.Error.WriteLine($"{StorageWriteBenchmark.ServerVariable} is not set: give it a PostgreSQL connection string of a user that may create databases, e.g. \"Host=127.0.0.1;Port=5432;Username=postgres\".");
            return 2;
        }

        var records = BenchSupport.IntOption(args, "records", 2_000_000);
        var rate = BenchSupport.IntOption(args, "rate", 10_000);
        var seconds = BenchSupport.IntOption(args, "seconds", 20);
        return RunAsync(server, records, rate, seconds).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string server, int records, int rate, int seconds)
    {
        var database = $"akkafraud_e2e_{Guid.NewGuid():N}";
        var admin = new NpgsqlConnectionStringBuilder(server) { Pooling = false };
        admin.Database ??= "postgres";
        await StorageWriteBenchmark.ExecuteAsync(admin.ConnectionString, $"CREATE DATABASE \"{database}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        using var kafka = new EmbeddedKafka(groupInitialRebalanceDelay: TimeSpan.Zero);
        var kafkaSettings = new KafkaSettings { BootstrapServers = kafka.BootstrapServers, GroupId = "e2e" };
        kafka.CreateTopic(kafkaSettings.TransactionsTopic, Partitions);
        kafka.CreateTopic(kafkaSettings.AlertsTopic, 3);
        kafka.CreateTopic(kafkaSettings.DeadLetterTopic, 3);
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 9, Accounts = 100_000, EventsPerSecond = 100_000 * 12.0 / 86_400 });
        var maxLag = BoundedLagProducer.SafeMaxLag(Partitions, 400);
        Console.WriteLine($"{Name}: {records:N0} simulator records, {Partitions} partitions, lag ≤ {maxLag:N0}, one node, PostgreSQL database {database}");

        // The halves alone, on the same machine in the same run.
        var consumeOnly = KafkaConsumeBenchmark.RawLoop(kafkaSettings, NewTopic(kafka, "consume-only"), Math.Min(records, 1_000_000), maxLag,
            _ => Message(simulator.NextRecord()), "consume-only (raw loop)", progress: true);
        var copyOnly = await CopyOnlyAsync(connectionString, Math.Min(records, 500_000));
        var limit = 1 / ((1 / consumeOnly) + (1 / copyOnly));
        Console.WriteLine($"consume-only {consumeOnly:N0} rec/s, COPY-only {copyOnly:N0} rows/s → L = {limit:N0} rec/s");

        var storeSettings = new FraudStoreSettings { Provider = StoreProvider.PostgreSql, ConnectionString = connectionString };
        await using var store = await FraudStoreFactory.CreateAsync(storeSettings);
        using var consumed = new ConsumedCounter();
        // The batch writer is single: the sum of its write durations is how long it was busy.
        using var batchWrites = new Measurements("akkafraud.batch.write.duration");
        using var host = await StartNodeAsync(store, kafkaSettings);

        // Sustained: produce as fast as the lag bound allows, until every record is committed.
        using (var producer = new BoundedLagProducer(kafka.BootstrapServers, kafkaSettings.TransactionsTopic, maxLag))
        {
            consumed.OnConsumed = producer.MarkConsumed;
            var process = Process.GetCurrentProcess();
            var started = Stopwatch.GetTimestamp();
            var producing = producer.ProduceAsync(records, _ => Message(simulator.NextRecord()));
            // The first tenth warms up (JIT tiering, 100k accounts loading their first checkpoint); the rest is measured.
            var warmedUp = await WaitForCommittedAsync(store, records / 10, "warm-up");
            var measuredFrom = Stopwatch.GetTimestamp();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var writesBefore = batchWrites.Snapshot().Length;
            var committed = await WaitForCommittedAsync(store, records, "sustained");
            var elapsed = Stopwatch.GetElapsedTime(measuredFrom);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            await producing;
            var measured = committed - warmedUp;
            var sustained = measured / elapsed.TotalSeconds;
            Console.WriteLine($"end to end: {committed:N0} records committed in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; " +
                              $"after the first {warmedUp:N0}: {measured:N0} in {elapsed.TotalSeconds:F1} s = {sustained:N0} tx/s, " +
                              $"{sustained / limit:0.00} of L (targets ≥ 50,000 tx/s and ≥ 0.75 L: {(sustained >= 50_000 && sustained >= 0.75 * limit ? "met" : "NOT met")})");
            Console.WriteLine($"  this process (pipeline, accounts, broker, producer) used {cpu.TotalSeconds / elapsed.TotalSeconds:P0} of one core: " +
                              $"{cpu.TotalMicroseconds / measured:F1} µs CPU per record; the batch writer was busy {TimeSpan.FromMilliseconds(batchWrites.Snapshot().Skip(writesBefore).Sum()) / elapsed:P0} of the time");
        }

        // Latency at a fixed offered rate.
        consumed.OnConsumed = null;
        using (var latencies = new Measurements("akkafraud.ingest_to_commit.duration"))
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(kafkaSettings.CreateProducerConfig()).Build())
        {
            var totals = await store.GetTotalsAsync();
            var before = totals.Transactions + totals.DeadLetters;
            var total = rate * seconds;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < total; i++)
            {
                var wait = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    Thread.Sleep(wait);
                }

                producer.Produce(kafkaSettings.TransactionsTopic, Message(simulator.NextRecord()));
            }

            producer.Flush(TimeSpan.FromSeconds(30));
            await WaitForCommittedAsync(store, before + total, "latency");
            var (p50, p99, count) = latencies.Percentiles();
            Console.WriteLine($"ingest→commit at {rate:N0} tx/s offered for {seconds} s: p50 {p50:F0} ms, p99 {p99:F0} ms over {count:N0} records");
        }

        await host.StopAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"command: {StorageWriteBenchmark.ServerVariable}=... dotnet run -c Release --project bench/AkkaFraud.Benchmarks -- {Name} --records {records} --rate {rate} --seconds {seconds}");
        return 0;
    }

    private static string NewTopic(EmbeddedKafka kafka, string name)
    {
        kafka.CreateTopic(name, Partitions);
        return name;
    }

    private static Message<byte[]?, byte[]?> Message(SimulatedRecord record) => new()
    {
        Key = Encoding.UTF8.GetBytes(record.Key),
        Value = record.Value,
        Timestamp = new Timestamp(record.Timestamp),
    };

    private static async Task<double> CopyOnlyAsync(string connectionString, int rows)
    {
        await StorageWriteBenchmark.ExecuteAsync(connectionString, $"CREATE UNLOGGED TABLE raw_copy ({StorageWriteBenchmark.RawColumns})");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var data = StorageWriteBenchmark.Generate(seed: 7, rows, orderedIds: false);
        var watch = Stopwatch.StartNew();
        foreach (var chunk in data.Chunk(5000))
        {
            await StorageWriteBenchmark.RawCopyAsync(dataSource, chunk);
        }

        return rows / watch.Elapsed.TotalSeconds;
    }

    private static async Task<IHost> StartNodeAsync(IPipelineStore store, KafkaSettings kafka)
    {
        var port = BenchSupport.FreePort();
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services =>
            {
                services.AddSingleton<IPipelineStore>(store);
                services.AddFraudScoringServices(new FraudSettings { Partitions = Partitions }, kafka, RuleSet.Default);
                services.AddAkka("akkafraud", (builder, _) => builder
                    .ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel)
                    .WithClusterMember(new ClusterMemberOptions { Port = port, SeedNodes = [$"akka.tcp://akkafraud@127.0.0.1:{port}"] }));
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<long> WaitForCommittedAsync(IWarehouseQueries store, long expected, string label)
    {
        var watch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var totals = await store.GetTotalsAsync();
            var committed = totals.Transactions + totals.DeadLetters;
            if (committed >= expected)
            {
                return committed;
            }

            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = watch.Elapsed;
                Console.WriteLine($"  {label}: {committed:N0} / {expected:N0} committed ({watch.Elapsed.TotalSeconds:F0} s)");
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(15))
            {
                throw new TimeoutException($"{label}: only {committed:N0} of {expected:N0} records committed after 15 minutes");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Feeds the pipeline's consumed counter to the producer's lag bound.</summary>
    private sealed class ConsumedCounter : IDisposable
    {
        private readonly MeterListener _listener = new();

        public ConsumedCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name == "akkafraud.records.consumed")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => OnConsumed?.Invoke(value));
            _listener.Start();
        }

        public Action<long>? OnConsumed { get; set; }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Collects every measurement of one of the pipeline's double-valued instruments.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<double> _values = [];

        public Measurements(string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
            {
                lock (_values)
                {
                    _values.Add(value);
                }
            });
            _listener.Start();
        }

        public double[] Snapshot()
        {
            lock (_values)
            {
                return [.. _values];
            }
        }

        public (double P50, double P99, int Count) Percentiles()
        {
            var sorted = Snapshot().Order().ToArray();
            return sorted.Length == 0 ? (0, 0, 0) : (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)], sorted.Length);
        }

        public void Dispose() => _listener.Dispose();
    }
}
