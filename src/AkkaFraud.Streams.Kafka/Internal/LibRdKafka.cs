using System.Reflection;
using System.Runtime.InteropServices;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// P/Invoke bindings to what Confluent.Kafka does not wrap: librdkafka's mock-cluster API (<c>rdkafka_mock.h</c>) and
/// <c>rd_kafka_clusterid</c>, bound to the very native
/// library that Confluent.Kafka loaded: a second, different librdkafka in the process would be a different
/// mock implementation with its own globals, and on Debian the default build does not even load (it needs
/// libsasl2.so.3), so Confluent falls back to its <c>centos8-librdkafka.so</c> build.
/// </summary>
internal static unsafe partial class LibRdKafka
{
    // A private name that only our resolver answers: it never collides with Confluent's own "librdkafka".
    private const string Library = "akkafraud-rdkafka";
    private const int ConfOk = 0;
    private const int ProducerType = 0;
    private const int ConsumerType = 1;
    private const int ErrorStringSize = 512;

    private static readonly Lazy<nint> Handle = new(LoadConfluentsLibrary, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock ResolverLock = new();
    private static bool _resolverInstalled;

    /// <summary>Installs the resolver and loads the library; throws with a clear message when it cannot.</summary>
    public static void EnsureLoaded()
    {
        lock (ResolverLock)
        {
            if (!_resolverInstalled)
            {
                NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, Resolve);
                _resolverInstalled = true;
            }
        }

        _ = Handle.Value;
    }

    /// <summary>Path of the loaded native file, for diagnostics.</summary>
    public static string? LoadedPath { get; private set; }

    /// <summary>Creates a producer-type <c>rd_kafka_t</c> (needed for the mock's bookkeeping) and a mock cluster on it.</summary>
    public static (nint Kafka, nint Cluster) CreateCluster(int brokerCount, IReadOnlyDictionary<string, string> config)
    {
        var kafka = CreateHandle(ProducerType, config);
        var cluster = rd_kafka_mock_cluster_new(kafka, brokerCount);
        if (cluster == 0)
        {
            rd_kafka_destroy(kafka);
            throw new InvalidOperationException($"rd_kafka_mock_cluster_new({brokerCount}) failed: no mock cluster could be started.");
        }

        return (kafka, cluster);
    }

    /// <summary>
    /// The id of the Kafka cluster that <paramref name="config"/>'s brokers belong to (from a metadata request, so any
    /// broker version answers), or null when none answered within <paramref name="timeout"/>. Blocks the calling thread.
    /// </summary>
    /// <exception cref="InvalidOperationException">librdkafka refused a property of <paramref name="config"/>.</exception>
    public static string? ClusterId(IEnumerable<KeyValuePair<string, string>> config, TimeSpan timeout)
    {
        // A consumer-type handle takes the consumer's properties without complaint; it never subscribes, so it joins no group.
        var kafka = CreateHandle(ConsumerType, config);
        try
        {
            var id = rd_kafka_clusterid(kafka, (int)Math.Ceiling(timeout.TotalMilliseconds));
            if (id == 0)
            {
                return null;
            }

            try
            {
                return Marshal.PtrToStringUTF8(id);
            }
            finally
            {
                rd_kafka_mem_free(kafka, id);
            }
        }
        finally
        {
            rd_kafka_destroy(kafka);
        }
    }

    private static nint CreateHandle(int type, IEnumerable<KeyValuePair<string, string>> config)
    {
        EnsureLoaded();
        var conf = rd_kafka_conf_new();
        var errstr = stackalloc byte[ErrorStringSize];
        foreach (var (name, value) in config)
        {
            if (rd_kafka_conf_set(conf, name, value, errstr, ErrorStringSize) != ConfOk)
            {
                rd_kafka_conf_destroy(conf);
                throw new InvalidOperationException($"librdkafka refused {name}={value}: {Marshal.PtrToStringUTF8((nint)errstr)}");
            }
        }

        // On success rd_kafka_new owns conf; on failure it is still ours.
        var kafka = rd_kafka_new(type, conf, errstr, ErrorStringSize);
        if (kafka == 0)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((nint)errstr)}");
        }

        return kafka;
    }

    public static void DestroyCluster(nint kafka, nint cluster)
    {
        rd_kafka_mock_cluster_destroy(cluster);
        rd_kafka_destroy(kafka);
    }

    public static string Bootstraps(nint cluster) =>
        Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster))
        ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");

    public static void PushRequestErrors(nint cluster, short apiKey, ReadOnlySpan<int> errors)
    {
        fixed (int* first = errors)
        {
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, (nuint)errors.Length, first);
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Library ? Handle.Value : 0;

    private static nint LoadConfluentsLibrary()
    {
        // Reading the version makes Confluent.Kafka load and initialise its native library, if not done yet.
        var expectedVersion = Confluent.Kafka.Library.Version;
        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate.Describe);
            if (!candidate.TryLoad(out var handle))
            {
                continue;
            }

            if (NativeLibrary.TryGetExport(handle, "rd_kafka_version", out var versionFunction)
                && ((delegate* unmanaged<int>)versionFunction)() == expectedVersion
                && NativeLibrary.TryGetExport(handle, "rd_kafka_mock_cluster_new", out _))
            {
                LoadedPath = candidate.Describe;
                return handle;
            }
        }

        throw new DllNotFoundException(
            $"Could not bind to the librdkafka {Confluent.Kafka.Library.VersionString} that Confluent.Kafka loaded " +
            $"(tried: {string.Join(", ", tried)}). EmbeddedKafka needs the librdkafka.redist native files next to the application.");
    }

    private readonly record struct Candidate(string Describe, Func<(bool Ok, nint Handle)> Load)
    {
        public bool TryLoad(out nint handle)
        {
            (var ok, handle) = Load();
            return ok;
        }
    }

    private static IEnumerable<Candidate> Candidates()
    {
        // Linux: the file Confluent.Kafka actually mapped into this process is the authority.
        if (OperatingSystem.IsLinux() && File.Exists("/proc/self/maps"))
        {
            var mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..].Trim() : null)
                .Where(path => path is not null && Path.GetFileName(path).Contains("rdkafka", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            foreach (var path in mapped)
            {
                yield return new Candidate(path!, () => (NativeLibrary.TryLoad(path!, out var h), h));
            }
        }

        // Elsewhere (or if /proc is unavailable): probe the names Confluent.Kafka probes, in its order,
        // through its own assembly's native search paths; the version check above rejects a stranger.
        var confluent = typeof(Confluent.Kafka.Library).Assembly;
        foreach (var name in new[] { "librdkafka", "centos8-librdkafka", "alpine-librdkafka" })
        {
            yield return new Candidate(name, () => (NativeLibrary.TryLoad(name, confluent, null, out var h), h));
        }
    }

    [LibraryImport(Library)]
    private static partial nint rd_kafka_conf_new();

    [LibraryImport(Library)]
    private static partial void rd_kafka_conf_destroy(nint conf);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_conf_set(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_new(int type, nint conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Library)]
    private static partial void rd_kafka_destroy(nint kafka);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_clusterid(nint kafka, int timeoutMs);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mem_free(nint kafka, nint pointer);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_mock_cluster_new(nint kafka, int brokerCount);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mock_cluster_destroy(nint cluster);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_mock_cluster_bootstraps(nint cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(nint cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_delete_records(nint cluster, string topic, int partition, long beforeOffset);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(nint cluster, int delayMs);

    [LibraryImport(Library)]
    private static partial void rd_kafka_mock_push_request_errors_array(nint cluster, short apiKey, nuint count, int* errors);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_clear_request_errors(nint cluster, short apiKey);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_down(nint cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_up(nint cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial int rd_kafka_mock_broker_set_rtt(nint cluster, int brokerId, int rttMs);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_set_leader(nint cluster, string topic, int partition, int brokerId);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_coordinator_set(nint cluster, string keyType, string key, int brokerId);
}
