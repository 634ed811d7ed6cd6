using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Tests.Support;

/// <summary>
/// The offset store as the production batch writer uses it, in memory: results and the next offset of a partition
/// change together, atomically, and a batch is applied record by record with a compare-and-set on the stored offset.
/// Only the record at the stored offset is applied; every other is refused. It keeps a ledger of every record it was
/// asked to apply (<see cref="Attempts"/>), refused or not, so a test sees a redelivery below the stored offset, a hole
/// above it, or a late batch of a source that lost the partition, instead of having them silently absorbed.
/// </summary>
/// <remarks>
/// Sources that share the store read their start offsets through <see cref="For"/>: reading a partition's start offset
/// makes that source its owner (as an assignment does), and a batch of any other source for it is refused, as the
/// production compare-and-set fences a zombie writer.
/// </remarks>
public sealed class InMemoryOffsetStore : IKafkaOffsetStore
{
    private const string Anonymous = "";

    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, long> _next = [];
    private readonly Dictionary<TopicPartition, string> _owner = [];
    private readonly List<ApplyAttempt> _attempts = [];
    private readonly Dictionary<(TopicPartition Partition, long Offset), int> _applied = [];
    private readonly List<RetentionGap> _gaps = [];

    public int Reads { get; private set; }

    public Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken) =>
        GetStartOffsets(partitions, Anonymous);

    /// <summary>This store as the offset store of the source named <paramref name="source"/>.</summary>
    public IKafkaOffsetStore For(string source) => new Owned(this, source);

    /// <summary>Sets a partition's stored offset, as a previous run would have.</summary>
    public void Store(TopicPartition partition, long nextOffset)
    {
        lock (_lock)
        {
            _next[partition] = nextOffset;
        }
    }

    /// <summary>Applies a batch atomically on behalf of <paramref name="source"/>; records every attempt; returns the records applied now.</summary>
    public IReadOnlyList<KafkaRecord> Apply(IEnumerable<KafkaRecord> batch, string source = Anonymous)
    {
        var applied = new List<KafkaRecord>();
        lock (_lock)
        {
            var refused = new HashSet<TopicPartition>();
            foreach (var record in batch)
            {
                var partition = record.TopicPartition;
                var hasNext = _next.TryGetValue(partition, out var next);
                var outcome = source != Anonymous && _owner.TryGetValue(partition, out var owner) && owner != source ? ApplyOutcome.NotOwner
                    : refused.Contains(partition) || (hasNext && record.Offset > next) ? ApplyOutcome.Gap
                    : hasNext && record.Offset < next ? ApplyOutcome.AlreadyApplied
                    : ApplyOutcome.Applied;
                _attempts.Add(new ApplyAttempt(source, partition, record.Offset, outcome));
                if (outcome == ApplyOutcome.Gap)
                {
                    refused.Add(partition);
                }

                if (outcome != ApplyOutcome.Applied)
                {
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

    /// <summary>Every record <see cref="Apply"/> was asked to apply, in the order asked.</summary>
    public IReadOnlyList<ApplyAttempt> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
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

    private Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsets(IReadOnlyList<TopicPartition> partitions, string source)
    {
        lock (_lock)
        {
            Reads++;
            foreach (var partition in partitions.Where(_ => source != Anonymous))
            {
                _owner[partition] = source;
            }

            IReadOnlyDictionary<TopicPartition, long> offsets = partitions
                .Where(_next.ContainsKey)
                .ToDictionary(partition => partition, partition => _next[partition]);
            return Task.FromResult(offsets);
        }
    }

    private sealed class Owned(InMemoryOffsetStore store, string source) : IKafkaOffsetStore
    {
        public Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken) =>
            store.GetStartOffsets(partitions, source);
    }
}
