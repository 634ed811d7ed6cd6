using System.Diagnostics;
using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.Streams.Kafka.Embedded;
using Confluent.Kafka;

namespace AkkaFraud.Benchmarks;

/// <summary>
/// Consume-only throughput: the same traffic (records of ~250 bytes, produced concurrently with a bounded lag so the
/// embedded cluster's per-partition retention never drops any) read once by a raw Confluent consumer loop and once by
/// <see cref="KafkaSource"/> into a sink that discards. Target: the source reaches at least 0.8 of the raw loop.
/// </summary>
internal static class KafkaConsumeBenchmark
{
    public const string Name = "kafka-consume";
    public const string Description = "KafkaSource vs a raw Confluent consumer loop on EmbeddedKafka (--records N --partitions P --value-bytes B --rounds R)";

    private const double Target = 0.8;
    private const int Keys = 100_000;
    private const int MarkEvery = 1000;

    public static int Run(string[] args)
    {
        var options = Options.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine($"usage: {Command("[--records N] [--partitions P] [--value-bytes B] [--rounds R]")}");
            return 2;
        }

        using var kafka = new EmbeddedKafka();
        var keys = Enumerable.Range(0, Keys).Select(i => Encoding.UTF8.GetBytes($"account-{i:D6}")).ToArray();
        var value = new byte[options.ValueBytes - keys[0].Length];
        Random.Shared.NextBytes(value);
        var maxLag = BoundedLagProducer.SafeMaxLag(options.Partitions, options.ValueBytes);
        var settings = new KafkaSettings { BootstrapServers = kafka.BootstrapServers, GroupId = "bench", ClientId = "bench" };
        using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
        var materializer = system.Materializer();

        Console.WriteLine($"{Name}: {options.Records:N0} records of {options.ValueBytes} bytes (key + value), {options.Partitions} partitions, " +
                          $"EmbeddedKafka with 1 broker, produced concurrently with at most {maxLag:N0} records of lag");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, librdkafka {Library.VersionString}");

        var topics = 0;
        string NewTopic()
        {
            var topic = $"bench-{++topics}";
            kafka.CreateTopic(topic, options.Partitions);
            return topic;
        }

        Message<byte[]?, byte[]?> Create(long number) => new() { Key = keys[number % Keys], Value = value };

        var warmup = Math.Min(100_000, options.Records / 10);
        Console.WriteLine($"warm-up: {warmup:N0} records each");
        RawLoop(settings, NewTopic(), warmup, maxLag, Create, "warm-up raw", progress: false);
        SourceStream(settings, materializer, NewTopic(), warmup, maxLag, Create, "warm-up source", progress: false);

        var raw = new List<double>();
        var source = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            raw.Add(RawLoop(settings, NewTopic(), options.Records, maxLag, Create, $"round {round} raw loop", progress: true));
            source.Add(SourceStream(settings, materializer, NewTopic(), options.Records, maxLag, Create, $"round {round} KafkaSource", progress: true));
        }

        // Other work on the same cores moves single runs a lot: with several rounds, medians and the median of
        // the per-round ratios (each round runs both back to back) are the numbers to read.
        var ratio = Median(raw.Zip(source, (r, s) => s / r));
        Console.WriteLine();
        Console.WriteLine($"raw Confluent consumer loop: {Median(raw),12:N0} records/s{Rounds(raw)}");
        Console.WriteLine($"KafkaSource -> Sink.Ignore:  {Median(source),12:N0} records/s{Rounds(source)}");
        Console.WriteLine($"ratio source/raw:            {ratio,12:0.00}  (target >= {Target:0.00}: {(ratio >= Target ? "met" : "NOT met")})");
        Console.WriteLine($"command: {Command(string.Join(' ', args))}");
        return 0;
    }

    /// <summary>A plain consumer loop: assigned partitions (no group), one Consume per record.</summary>
    internal static double RawLoop(KafkaSettings settings, string topic, long count, long maxLag, Func<long, Message<byte[]?, byte[]?>> create, string label, bool progress)
    {
        var config = settings.CreateConsumerConfig();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var partitions = Enumerable.Range(0, ConfigPartitions(settings, topic)).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning));
        consumer.Assign(partitions);
        using var producer = new BoundedLagProducer(settings.BootstrapServers, topic, maxLag);
        var producing = producer.ProduceAsync(count, create);

        long consumed = 0;
        long firstAt = 0;
        using var reporter = progress ? new Progress(label, count, () => Volatile.Read(ref consumed)) : null;
        while (consumed < count)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                GC.KeepAlive(result.Message.Value);
                if (firstAt == 0)
                {
                    firstAt = Stopwatch.GetTimestamp();
                }

                if (++consumed % MarkEvery == 0)
                {
                    producer.MarkConsumed(MarkEvery);
                }
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(firstAt);
        producing.GetAwaiter().GetResult();
        consumer.Close();
        return Report(label, count, elapsed, progress);
    }

    /// <summary>The source in a consumer group, into a sink that discards.</summary>
    private static double SourceStream(KafkaSettings settings, IMaterializer materializer, string topic, long count, long maxLag, Func<long, Message<byte[]?, byte[]?>> create, string label, bool progress)
    {
        using var producer = new BoundedLagProducer(settings.BootstrapServers, topic, maxLag);
        long consumed = 0;
        long firstAt = 0;
        var (control, done) = KafkaSource.Create(settings with { GroupId = $"bench-{topic}" }, [topic], NoStoredOffsets.Instance)
            .Select(record =>
            {
                if (firstAt == 0)
                {
                    firstAt = Stopwatch.GetTimestamp();
                }

                if (++consumed % MarkEvery == 0)
                {
                    producer.MarkConsumed(MarkEvery);
                }

                return record;
            })
            .Take(count)
            .ToMaterialized(Sink.Ignore<KafkaRecord>(), Keep.Both)
            .Run(materializer);
        var producing = producer.ProduceAsync(count, create);

        using (progress ? new Progress(label, count, () => Volatile.Read(ref consumed)) : null)
        {
            done.GetAwaiter().GetResult();
        }

        var elapsed = Stopwatch.GetElapsedTime(firstAt);
        producing.GetAwaiter().GetResult();
        control.Closed.GetAwaiter().GetResult();
        return Report(label, count, elapsed, progress);
    }

    private static int ConfigPartitions(KafkaSettings settings, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = settings.BootstrapServers }).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
    }

    private static double Report(string label, long count, TimeSpan elapsed, bool progress)
    {
        var rate = count / elapsed.TotalSeconds;
        if (progress)
        {
            Console.WriteLine($"{label}: {count:N0} records in {elapsed.TotalSeconds:0.00} s = {rate:N0} records/s");
        }

        return rate;
    }

    private static string Rounds(List<double> rates) =>
        rates.Count > 1 ? $"  (median of {string.Join(", ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))})" : "";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Command(string arguments) =>
        $"dotnet run -c Release --project bench/AkkaFraud.Benchmarks -- {Name} {arguments}".TrimEnd();

    private sealed record Options(long Records, int Partitions, int ValueBytes, int Rounds)
    {
        public static Options? Parse(string[] args)
        {
            var options = new Options(1_000_000, 12, 250, 1);
            for (var i = 0; i < args.Length; i += 2)
            {
                if (i + 1 >= args.Length || !long.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < 1)
                {
                    return null;
                }

                options = args[i] switch
                {
                    "--records" => options with { Records = number },
                    "--partitions" => options with { Partitions = checked((int)number) },
                    "--value-bytes" => options with { ValueBytes = checked((int)number) },
                    "--rounds" => options with { Rounds = checked((int)number) },
                    _ => null,
                };
                if (options is null)
                {
                    return null;
                }
            }

            return options.ValueBytes > 16 ? options : null;
        }
    }

    /// <summary>Prints progress once a second while a phase runs.</summary>
    private sealed class Progress : IDisposable
    {
        private readonly Timer _timer;

        public Progress(string label, long total, Func<long> done)
        {
            var started = Stopwatch.GetTimestamp();
            long last = 0;
            _timer = new Timer(_ =>
            {
                var now = done();
                Console.WriteLine($"  {label}: {now,10:N0} / {total:N0}  ({now - last,8:N0} records/s, {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s)");
                last = now;
            }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        public void Dispose() => _timer.Dispose();
    }

    /// <summary>An offset store with nothing stored: every partition starts at the beginning.</summary>
    private sealed class NoStoredOffsets : IKafkaOffsetStore
    {
        public static readonly NoStoredOffsets Instance = new();

        public Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<TopicPartition, long>>(new Dictionary<TopicPartition, long>());
    }
}
