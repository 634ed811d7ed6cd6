using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AkkaFraud.Benchmarks;

/// <summary>
/// Write throughput of <see cref="IPipelineStore.WriteBatchAsync"/> on PostgreSQL against the floor of what the database
/// can take: raw Npgsql binary COPY of the same rows (same 25 columns, same values) into an unlogged table without
/// indexes or constraints. Batches alternate between the two, so noise on the shared box hits both alike.
/// The store's batches carry what the pipeline's do: offsets of 8 partitions (compare-and-set), the duplicate look-up,
/// the indexed, logged table and the minute rollups. Targets: at least 0.7 of raw COPY and at least 90k rows/s.
/// </summary>
internal static class StorageWriteBenchmark
{
    public const string Name = "storage-write";
    public const string Description = "IPipelineStore.WriteBatchAsync vs raw binary COPY on PostgreSQL (--rows N --batch B --ids random|ordered; needs AKKAFRAUD_BENCH_POSTGRES)";
    public const string ServerVariable = "AKKAFRAUD_BENCH_POSTGRES";

    private const double TargetRatio = 0.7;
    private const double TargetRate = 90_000;
    private const int Partitions = 8;
    private const int Accounts = 100_000;
    private const int WarmupBatches = 10;

    public static int Run(string[] args)
    {
        if (!TryParse(args, out var rows, out var batchSize, out var orderedIds))
        {
            Console.Error.WriteLine($"usage: {Command("[--rows N] [--batch B] [--ids random|ordered]")}");
            return 2;
        }

        if (Environment.GetEnvironmentVariable(ServerVariable) is not { Length: > 0 } server)
        {
            Console.Error.WriteLine(
                $"{Name} needs a PostgreSQL server: set {ServerVariable} to a connection string of a server where this user may " +
                "create databases, e.g. \"Host=127.0.0.1;Port=5432;Username=postgres\". The benchmark creates a database " +
                "akkafraud_bench_<random> and drops it at the end.");
            return 2;
        }

        return RunAsync(server, rows, batchSize, orderedIds).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string server, int rowCount, int batchSize, bool orderedIds)
    {
        var database = $"akkafraud_bench_{Guid.NewGuid():N}";
        var admin = new NpgsqlConnectionStringBuilder(server) { Pooling = false };
        admin.Database ??= "postgres";
        await ExecuteAsync(admin.ConnectionString, $"CREATE DATABASE \"{database}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        try
        {
            await using var store = await FraudStoreFactory.CreateAsync(new FraudStoreSettings
            {
                Provider = StoreProvider.PostgreSql,
                ConnectionString = connectionString,
            });
            await using var raw = NpgsqlDataSource.Create(connectionString);
            await ExecuteAsync(connectionString, $"CREATE UNLOGGED TABLE raw_copy ({RawColumns})");

            Console.WriteLine($"{Name}: {rowCount:N0} rows in batches of {batchSize:N0}, {Partitions} partitions per batch, " +
                              $"{Accounts:N0} accounts, {(orderedIds ? "time-ordered" : "random")} transaction ids; batches alternate raw COPY / WriteBatchAsync");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {await ServerVersionAsync(raw)}, " +
                              $"load average {LoadAverage()}");

            // Warm-up (JIT, connection pools, catalog caches): the first batches of each side are not measured.
            var warmupRows = WarmupBatches * batchSize;
            var data = Generate(seed: 42, warmupRows + rowCount, orderedIds);
            var warmup = data[..warmupRows];
            var all = data[warmupRows..];
            var expected = new long?[Partitions];
            foreach (var chunk in warmup.Chunk(batchSize))
            {
                await RawCopyAsync(raw, chunk);
                await store.WriteBatchAsync(BatchOf(chunk, expected));
            }

            await ExecuteAsync(connectionString, "TRUNCATE raw_copy");

            var rawTime = TimeSpan.Zero;
            var storeTime = TimeSpan.Zero;
            var batches = all.Chunk(batchSize).ToArray();
            for (var i = 0; i < batches.Length; i++)
            {
                var rows = batches[i];
                var clock = Stopwatch.StartNew();
                await RawCopyAsync(raw, rows);
                rawTime += clock.Elapsed;

                var batch = BatchOf(rows, expected);
                clock.Restart();
                var result = await store.WriteBatchAsync(batch);
                storeTime += clock.Elapsed;
                if (result is not BatchCommitted { DuplicatesSkipped: 0 } committed || committed.Transactions != rows.Length)
                {
                    Console.Error.WriteLine($"batch {i} did not commit all rows: {result}");
                    return 1;
                }

                if ((i + 1) % 10 == 0 || i == batches.Length - 1)
                {
                    var done = batches.Take(i + 1).Sum(b => b.Length);
                    Console.WriteLine($"  [{i + 1,4}/{batches.Length}] {done,10:N0} rows   raw COPY {Rate(done, rawTime),9:N0} rows/s   " +
                                      $"WriteBatchAsync {Rate(done, storeTime),9:N0} rows/s");
                }
            }

            var rawRate = Rate(rowCount, rawTime);
            var storeRate = Rate(rowCount, storeTime);
            var ratio = storeRate / rawRate;
            Console.WriteLine();
            Console.WriteLine($"raw binary COPY (unlogged, no indexes): {rawRate,10:N0} rows/s");
            Console.WriteLine($"IPipelineStore.WriteBatchAsync:            {storeRate,10:N0} rows/s");
            Console.WriteLine($"ratio: {ratio:F2} (target >= {TargetRatio:F1}), store rate target >= {TargetRate:N0} rows/s: " +
                              (ratio >= TargetRatio && storeRate >= TargetRate ? "met" : "NOT met"));
            Console.WriteLine($"command: {ServerVariable}=... {Command($"--rows {rowCount} --batch {batchSize} --ids {(orderedIds ? "ordered" : "random")}")}");
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private static string Command(string options) => $"dotnet run -c Release --project bench/AkkaFraud.Benchmarks -- {Name} {options}";

    private static double Rate(int rows, TimeSpan time) => rows / time.TotalSeconds;

    /// <summary>
    /// Rows as the pipeline produces them: ~2 % flagged with reasons, partition by account, offsets ascending. Ids are
    /// random (UUID v4 style: every insert lands on a random primary-key page) or time-ordered (ULID / UUID v7 style:
    /// inserts append to the key's rightmost page).
    /// </summary>
    internal static ScoredTransaction[] Generate(int seed, int count, bool orderedIds)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var offsets = new long[Partitions];
        var velocity = ImmutableArray.Create(new Reason("velocity-1m", RuleKind.Velocity, 7, 5, 40, "7 transactions in 60 s > limit 5"));
        var large = ImmutableArray.Create(new Reason("large-amount", RuleKind.Threshold, 9500, 9000, 60, "amount 9500.00 > limit 9000"));
        var rows = new ScoredTransaction[count];
        for (var i = 0; i < count; i++)
        {
            var account = random.Next(Accounts);
            var partition = account % Partitions;
            var time = start.AddMilliseconds(i * 2);
            var roll = random.Next(100);
            var reasons = roll switch { 0 => large, 1 => velocity, _ => ImmutableArray<Reason>.Empty };
            var id = orderedIds ? $"tx-{i:x16}{random.NextInt64():x16}" : $"tx-{random.NextInt64():x16}{random.NextInt64():x16}";
            var transaction = new Transaction
            {
                TransactionId = id,
                AccountId = $"acct-{account:D6}",
                EventTime = time,
                Amount = Math.Round((decimal)(random.NextDouble() * 500), 2),
                Currency = "EUR",
                Type = TransactionType.Purchase,
                Channel = Channel.Pos,
                MerchantId = $"m-{random.Next(5000)}",
                MerchantName = $"Merchant {random.Next(5000)}",
                MerchantCategory = "5411",
                Country = "DE",
                Latitude = 48 + random.NextDouble(),
                Longitude = 11 + random.NextDouble(),
                DeviceId = $"dev-{account}",
            };
            var verdict = new Verdict
            {
                TransactionId = id,
                AccountId = transaction.AccountId,
                Score = reasons.Sum(r => r.Weight),
                Decision = roll switch { 0 => Decision.Block, 1 => Decision.Review, _ => Decision.Approve },
                Reasons = reasons,
                RuleSetVersion = 1,
            };
            rows[i] = new ScoredTransaction(transaction, verdict, partition, offsets[partition]++, time.AddMilliseconds(30), time.AddMilliseconds(31));
        }

        return rows;
    }

    private static StoreBatch BatchOf(ScoredTransaction[] rows, long?[] expected)
    {
        var offsets = new List<OffsetCommit>();
        foreach (var group in rows.GroupBy(r => r.KafkaPartition))
        {
            var next = group.Max(r => r.KafkaOffset) + 1;
            offsets.Add(new OffsetCommit(new StoredPartition("transactions", group.Key), expected[group.Key], next));
            expected[group.Key] = next;
        }

        return new StoreBatch { KafkaCluster = "bench", ConsumerGroup = "bench", Transactions = rows, Offsets = offsets };
    }

    internal const string RawColumns =
        "transaction_id text, account_id text, event_time timestamptz, amount numeric(18,4), currency text, type text, " +
        "channel text, merchant_id text, merchant_name text, merchant_category text, counterparty_id text, country text, " +
        "latitude double precision, longitude double precision, device_id text, score integer, decision text, " +
        "is_flagged boolean, is_duplicate boolean, reasons jsonb, rule_set_version integer, kafka_partition integer, " +
        "kafka_offset bigint, ingested_at timestamptz, processed_at timestamptz";

    /// <summary>The floor: one transaction, one binary COPY (Npgsql's documented synchronous row writes, as the store's), no look-up, no offsets, no indexes, no WAL.</summary>
    internal static async Task RawCopyAsync(NpgsqlDataSource dataSource, ScoredTransaction[] rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync("COPY raw_copy FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                var t = row.Transaction;
                var v = row.Verdict;
                copy.StartRow();
                copy.Write(t.TransactionId, NpgsqlDbType.Text);
                copy.Write(t.AccountId, NpgsqlDbType.Text);
                copy.Write(t.EventTime.UtcDateTime, NpgsqlDbType.TimestampTz);
                copy.Write(t.Amount, NpgsqlDbType.Numeric);
                copy.Write(t.Currency, NpgsqlDbType.Text);
                copy.Write("purchase", NpgsqlDbType.Text);
                copy.Write("pos", NpgsqlDbType.Text);
                copy.Write(t.MerchantId!, NpgsqlDbType.Text);
                copy.Write(t.MerchantName!, NpgsqlDbType.Text);
                copy.Write(t.MerchantCategory!, NpgsqlDbType.Text);
                copy.WriteNull();
                copy.Write(t.Country, NpgsqlDbType.Text);
                copy.Write(t.Latitude!.Value, NpgsqlDbType.Double);
                copy.Write(t.Longitude!.Value, NpgsqlDbType.Double);
                copy.Write(t.DeviceId!, NpgsqlDbType.Text);
                copy.Write(v.Score, NpgsqlDbType.Integer);
                copy.Write(v.Decision.ToString().ToLowerInvariant(), NpgsqlDbType.Text);
                copy.Write(v.Flagged, NpgsqlDbType.Boolean);
                copy.Write(v.IsDuplicate, NpgsqlDbType.Boolean);
                copy.Write(v.Reasons.IsEmpty ? "[]" : ReasonsJsonFor(v.Reasons), NpgsqlDbType.Jsonb);
                copy.Write(v.RuleSetVersion, NpgsqlDbType.Integer);
                copy.Write(row.KafkaPartition, NpgsqlDbType.Integer);
                copy.Write(row.KafkaOffset, NpgsqlDbType.Bigint);
                copy.Write(row.IngestedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                copy.Write(row.ProcessedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync();
        }

        await transaction.CommitAsync();
    }

    private static string ReasonsJsonFor(ImmutableArray<Reason> reasons) =>
        System.Text.Json.JsonSerializer.Serialize(reasons.Select(r => new Dictionary<string, object>
        {
            ["ruleId"] = r.RuleId, ["kind"] = r.Kind.ToString().ToLowerInvariant(), ["observed"] = r.Observed,
            ["limit"] = r.Limit, ["weight"] = r.Weight, ["message"] = r.Message,
        }));

    private static async Task<string> ServerVersionAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT format('PostgreSQL %s (shared_buffers %s, fsync %s, synchronous_commit %s)', current_setting('server_version'), " +
            "current_setting('shared_buffers'), current_setting('fsync'), current_setting('synchronous_commit'))");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Other work on the box skews both rates; the load average says how much there was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static bool TryParse(string[] args, out int rows, out int batch, out bool orderedIds)
    {
        rows = 500_000;
        batch = 5_000;
        orderedIds = false;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var (name, text) = (args[i], args[i + 1]);
            if (name == "--ids" && text is "random" or "ordered")
            {
                orderedIds = text == "ordered";
                continue;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                return false;
            }

            switch (name)
            {
                case "--rows": rows = value; break;
                case "--batch": batch = value; break;
                default: return false;
            }
        }

        return args.Length % 2 == 0;
    }
}
