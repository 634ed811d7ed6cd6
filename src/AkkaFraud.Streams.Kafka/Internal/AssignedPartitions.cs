using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// The partitions a source holds, each with its <see cref="PartitionState"/>. The poll thread alone changes the table
/// and publishes a snapshot after each change; the stage and the control read only the published snapshot.
/// </summary>
internal sealed class AssignedPartitions(ProcessedOffsets processed)
{
    // Poll thread only.
    private readonly Dictionary<TopicPartition, PartitionState> _byPartition = [];

    // Shared.
    private volatile PartitionState[] _published = [];
    private int _peakBuffered;

    /// <summary>The published assignment; any thread.</summary>
    public IReadOnlyCollection<TopicPartition> Published => [.. _published.Select(static state => state.TopicPartition)];

    /// <summary>Records buffered per published partition, right now; any thread.</summary>
    public IReadOnlyDictionary<TopicPartition, int> BufferedRecords =>
        _published.ToDictionary(static state => state.TopicPartition, static state => Volatile.Read(ref state.Buffered));

    /// <summary>The most records one partition ever had buffered; any thread.</summary>
    public int PeakBufferedRecords => Volatile.Read(ref _peakBuffered);

    /// <summary>The assigned partitions; poll thread only.</summary>
    public IReadOnlyCollection<TopicPartition> Partitions => _byPartition.Keys;

    /// <summary>The states of the assigned partitions; poll thread only.</summary>
    public IReadOnlyCollection<PartitionState> States => _byPartition.Values;

    /// <summary>A fresh state for a partition assigned (again); poll thread only, published by <see cref="Publish"/>.</summary>
    public void Assign(TopicPartition partition) => _byPartition[partition] = new PartitionState(partition, processed);

    public bool TryGet(TopicPartition partition, out PartitionState state) => _byPartition.TryGetValue(partition, out state!);

    public bool Contains(TopicPartition partition) => _byPartition.ContainsKey(partition);

    public void Remove(TopicPartition partition) => _byPartition.Remove(partition);

    public void Publish() => _published = [.. _byPartition.Values];

    /// <summary>The consumer is closed: nothing is assigned any more, whatever the table still holds.</summary>
    public void PublishNone() => _published = [];

    /// <summary>Counts one more record of <paramref name="state"/> handed towards the stage; returns its buffer count.</summary>
    public int CountBuffered(PartitionState state)
    {
        var buffered = Interlocked.Increment(ref state.Buffered);
        if (buffered > _peakBuffered)
        {
            Volatile.Write(ref _peakBuffered, buffered);
        }

        return buffered;
    }
}
