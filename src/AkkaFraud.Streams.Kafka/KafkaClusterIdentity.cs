using AkkaFraud.Streams.Kafka.Internal;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// Which Kafka cluster this node reads: offsets, dead letters and account checkpoints are stored under this id, so a
/// new cluster (an in-process one on every embedded start, or a rebuilt one) starts from its beginning while what
/// earlier clusters produced stays in the warehouse. Asked once per process and then kept: a node's brokers do not
/// change cluster while it runs. Thread-safe.
/// </summary>
public sealed class KafkaClusterIdentity
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly Func<CancellationToken, Task<string>> _ask;
    private readonly Lock _lock = new();
    private Task<string>? _known;

    private KafkaClusterIdentity(Func<CancellationToken, Task<string>> ask) => _ask = ask;

    /// <summary>The cluster of <paramref name="settings"/>' brokers, asked from them (the id in their metadata).</summary>
    public static KafkaClusterIdentity Ask(KafkaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // The .NET client's own properties ("dotnet.*") mean nothing to librdkafka.
        var config = settings.CreateConsumerConfig()
            .Where(p => !p.Key.StartsWith("dotnet.", StringComparison.Ordinal))
            .ToList();
        return new KafkaClusterIdentity(ct => Task.Run(
            () => LibRdKafka.ClusterId(config, AskTimeout) ?? throw new KafkaClusterUnknownException(
                $"No broker of {settings.BootstrapServers} told its cluster id within {AskTimeout.TotalSeconds:0} s; check that Kafka runs and Kafka__BootstrapServers names it"),
            ct));
    }

    /// <summary>A cluster whose id the caller knows (the embedded mode hosts its Kafka and names it).</summary>
    public static KafkaClusterIdentity Known(string clusterId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        return new KafkaClusterIdentity(_ => Task.FromResult(clusterId));
    }

    /// <summary>The cluster's id: asked on the first call, and again after a call that failed.</summary>
    /// <exception cref="KafkaClusterUnknownException">No broker answered; the message says which were asked.</exception>
    public async Task<string> GetAsync(CancellationToken cancellationToken = default)
    {
        Task<string> asking;
        lock (_lock)
        {
            asking = _known ??= _ask(CancellationToken.None);
        }

        try
        {
            return await asking.WaitAsync(cancellationToken);
        }
        catch (Exception) when (asking.IsFaulted)
        {
            lock (_lock)
            {
                if (ReferenceEquals(_known, asking))
                {
                    _known = null;
                }
            }

            throw;
        }
    }
}

/// <summary>No broker told the Kafka cluster's id: the node cannot know whose offsets to read.</summary>
public sealed class KafkaClusterUnknownException(string message) : Exception(message);
