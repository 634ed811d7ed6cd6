using System.Collections.Concurrent;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// The next offset to process per partition, as far as downstream has durably stored it: the stage marks it from any
/// thread, the poll thread reads it for the advisory commit and resets it when a partition is assigned.
/// </summary>
internal sealed class ProcessedOffsets
{
    private readonly ConcurrentDictionary<TopicPartition, long> _next = new();

    /// <summary>Moves a partition's mark forward, never back: marks may arrive out of order.</summary>
    public void Mark(TopicPartition partition, long nextOffset) =>
        _next.AddOrUpdate(partition, static (_, next) => next, static (_, current, next) => Math.Max(current, next), nextOffset);

    /// <summary>Sets a partition's mark to what the offset store holds, on assignment.</summary>
    public void Reset(TopicPartition partition, long nextOffset) => _next[partition] = nextOffset;

    public void Forget(TopicPartition partition) => _next.TryRemove(partition, out _);

    public bool TryGet(TopicPartition partition, out long nextOffset) => _next.TryGetValue(partition, out nextOffset);
}
