using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding.External;
using Akka.Event;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// One pipeline run's view of its partitions. For each assigned partition it holds the epoch (a fresh random id per
/// assignment: accounts reload their state when it changes), the offset consumption started at, and the stored offset
/// the next batch must find (compare-and-set). It is the source's offset store (reading the warehouse) and its
/// partition listener: assignments move the partitions' shards to this node; revocations end the epoch, so records
/// of those partitions still in flight are dropped before the write.
/// </summary>
internal sealed class PartitionRegistry : IKafkaOffsetStore, IKafkaPartitionListener
{
    private readonly IPipelineStore _store;
    private readonly string _consumerGroup;
    private readonly IExternalShardAllocationClient _shardLocations;
    private readonly Address _selfAddress;
    private readonly ILoggingAdapter _log;
    private readonly ConcurrentDictionary<int, PartitionRun> _runs = new();
    private readonly ConcurrentDictionary<int, long?> _storedAtStart = new();

    internal sealed class PartitionRun(long epoch, long startOffset, long? storedOffset)
    {
        public long Epoch { get; } = epoch;

        public long StartOffset { get; } = startOffset;

        /// <summary>The stored offset as the next batch expects it; null when the warehouse has none yet.</summary>
        public long? StoredOffset { get; set; } = storedOffset;
    }

    public PartitionRegistry(IPipelineStore store, string consumerGroup, ActorSystem system, ILoggingAdapter log)
    {
        _store = store;
        _consumerGroup = consumerGroup;
        _shardLocations = ExternalShardAllocation.Get(system).ClientFor(ShardingSetup.AccountTypeName);
        _selfAddress = Akka.Cluster.Cluster.Get(system).SelfAddress;
        _log = log;
    }

    /// <summary>Raised (on the poll thread) for each retention gap, after it was logged.</summary>
    public event Action<RetentionGap>? RetentionGapDetected;

    public PartitionRun? Current(int partition) => _runs.TryGetValue(partition, out var run) ? run : null;

    public IReadOnlyDictionary<int, PartitionRun> Snapshot() => new Dictionary<int, PartitionRun>(_runs);

    public async Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var stored = await _store.GetOffsetsAsync(
            _consumerGroup, partitions.Select(p => new StoredPartition(p.Topic, p.Partition.Value)).ToList(), cancellationToken);
        var result = new Dictionary<TopicPartition, long>();
        foreach (var partition in partitions)
        {
            var key = new StoredPartition(partition.Topic, partition.Partition.Value);
            if (stored.TryGetValue(key, out var offset))
            {
                result[partition] = offset;
                _storedAtStart[partition.Partition.Value] = offset;
            }
            else
            {
                _storedAtStart[partition.Partition.Value] = null;
            }
        }

        return result;
    }

    public void OnPartitionsAssigned(IReadOnlyList<TopicPartitionOffset> partitions)
    {
        var locations = new Dictionary<string, Address>();
        foreach (var assigned in partitions)
        {
            var partition = assigned.Partition.Value;
            var stored = _storedAtStart.TryGetValue(partition, out var value) ? value : null;
            var start = assigned.Offset.Value >= 0 ? assigned.Offset.Value : stored ?? 0;
            _runs[partition] = new PartitionRun(Random.Shared.NextInt64(1, long.MaxValue), start, stored);
            locations[AccountMessageExtractor.ShardIdOf(partition)] = _selfAddress;
        }

        _log.Info("Partitions assigned: {0}", string.Join(", ", partitions.Select(p => $"{p.Partition.Value}@{p.Offset}")));
        // Shards follow their partitions; until the strategy sees the new locations, messages take one remote hop.
        _shardLocations.UpdateShardLocations(locations.ToImmutableDictionary()).ContinueWith(
            t => _log.Warning(t.Exception, "Moving shards to this node failed; they stay where they are until the next assignment"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public void OnPartitionsRevoked(IReadOnlyList<TopicPartition> partitions, bool lost)
    {
        foreach (var partition in partitions)
        {
            _runs.TryRemove(partition.Partition.Value, out _);
        }

        _log.Info("Partitions {0}: {1}", lost ? "lost" : "revoked", string.Join(", ", partitions.Select(p => p.Partition.Value)));
    }

    public void OnRetentionGap(RetentionGap gap)
    {
        _log.Warning("Records lost to retention before they were read: {0}[{1}] offsets {2}..{3} ({4} records)",
            gap.Topic, gap.Partition, gap.FirstMissingOffset, gap.ResumedOffset - 1, gap.MissingOffsets);
        RetentionGapDetected?.Invoke(gap);
    }

    public void OnHealthChanged(KafkaSourceHealth health)
    {
        if (health.IsHealthy)
        {
            _log.Info("Kafka is reachable again");
        }
        else
        {
            _log.Error("Kafka unreachable since {0}: {1}", health.Since, health.Reason);
        }
    }
}
