using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Tests.Support;

/// <summary>
/// The offset store as the production batch writer uses it, in memory: results and the next offset of a partition
/// change together, atomically, and a batch is applied record by record with a compare-and-set on the stored offset.
/// A record below the stored offset was applied already (a redelivery, or a zombie owner's late batch) and is
/// skipped; a record above it would leave a hole and stops the batch. So every record is applied at most once, and a
/// source that starts anywhere but the stored offset shows up as missing records.
/// </summary>
public sealed class InMemoryOffsetStore : IKafkaOffsetStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, long> _next = [];
    private readonly Dictionary<(TopicPartition Partition, long Offset), int> _applied = [];
    private readonly List<RetentionGap> _gaps = [];

    public int Reads { get; private set; }

    public Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Reads++;
            IReadOnlyDictionary<TopicPartition, long> offsets = partitions
                .Where(_next.ContainsKey)
                .ToDictionary(partition => partition, partition => _next[partition]);
            return Task.FromResult(offsets);
        }
    }

    /// <summary>Sets a partition's stored offset, as a previous run would have.</summary>
    public void Store(TopicPartition partition, long nextOffset)
    {
        lock (_lock)
        {
            _next[partition] = nextOffset;
        }
    }

    /// <summary>Applies a batch atomically; returns the records applied now.</summary>
    public IReadOnlyList<KafkaRecord> Apply(IEnumerable<KafkaRecord> batch)
    {
        var applied = new List<KafkaRecord>();
        lock (_lock)
        {
            var refused = new HashSet<TopicPartition>();
            foreach (var record in batch)
            {
                var partition = record.TopicPartition;
                if (refused.Contains(partition))
                {
                    continue;
                }

                var hasNext = _next.TryGetValue(partition, out var next);
                if (hasNext && record.Offset < next)
                {
                    continue;
                }

                if (hasNext && record.Offset > next)
                {
                    refused.Add(partition);
                    continue;
                }

                _next[partition] = record.NextOffset;
                var key = (partition, record.Offset);
                _applied[key] = _applied.GetValueOrDefault(key) + 1;
                applied.Add(record);
            }
        }

        return applied;
    }

    /// <summary>What the batch writer does with a gap event: record it and move the partition past it.</summary>
    public void RecordGap(RetentionGap gap)
    {
        lock (_lock)
        {
            _gaps.Add(gap);
            _next[new TopicPartition(gap.Topic, gap.Partition)] = gap.ResumedOffset;
        }
    }

    public IReadOnlyDictionary<(TopicPartition Partition, long Offset), int> Applied
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<(TopicPartition, long), int>(_applied);
            }
        }
    }

    public int AppliedCount
    {
        get
        {
            lock (_lock)
            {
                return _applied.Count;
            }
        }
    }

    public long? NextOffset(TopicPartition partition)
    {
        lock (_lock)
        {
            return _next.TryGetValue(partition, out var next) ? next : null;
        }
    }

    public IReadOnlyList<RetentionGap> Gaps
    {
        get
        {
            lock (_lock)
            {
                return [.. _gaps];
            }
        }
    }
}
