using System.Collections.Concurrent;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// Partitions the listener holds on assignment, until the task it returned completes. A partition can only be paused
/// once librdkafka has assigned it, which is after the assignment callback returns; the records fetched in between are
/// kept (a fetch's worth at most) and emitted first on release, so nothing is skipped and nothing is read twice.
/// Poll thread only, except <see cref="Hold"/>'s release, which any thread may complete.
/// </summary>
internal sealed class PartitionHolds(AssignedPartitions partitions, PartitionBackpressure backpressure)
{
    private readonly List<PartitionState> _toPause = [];
    private readonly ConcurrentQueue<PartitionState> _released = new();

    /// <summary>Holds freshly assigned partitions until <paramref name="until"/> completes; poll thread.</summary>
    public void Hold(IReadOnlyList<PartitionState> states, Task until)
    {
        if (until.IsCompleted || states.Count == 0)
        {
            return;
        }

        foreach (var state in states)
        {
            state.Held = true;
            _toPause.Add(state);
        }

        until.ContinueWith(_ =>
        {
            foreach (var state in states)
            {
                _released.Enqueue(state);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Keeps a record of a held partition back; false when the partition is not held and the record goes on.
    /// </summary>
    public static bool Keep(PartitionState state, KafkaRecord record)
    {
        if (!state.Held)
        {
            return false;
        }

        state.HeldRecords.Add(record);
        return true;
    }

    /// <summary>
    /// Pauses partitions held since the last call and releases those whose task completed: their kept records are
    /// appended to <paramref name="batch"/> and they resume unless backpressure or a stop pauses them. Called after every
    /// consume; costs nothing while no hold is pending.
    /// </summary>
    public void Apply(IConsumer<byte[]?, byte[]?> consumer, List<KafkaRecord> batch, bool emittingStopped)
    {
        if (_toPause.Count > 0)
        {
            var pause = _toPause.Where(IsCurrent).Select(static s => s.TopicPartition).ToList();
            _toPause.Clear();
            if (pause.Count > 0)
            {
                consumer.Pause(pause);
            }
        }

        if (_released.IsEmpty)
        {
            return;
        }

        List<TopicPartition>? resume = null;
        while (_released.TryDequeue(out var state))
        {
            if (!state.Held || !IsCurrent(state))
            {
                continue; // revoked while held: its kept records belong to the next owner
            }

            state.Held = false;
            foreach (var record in state.HeldRecords)
            {
                batch.Add(record);
                backpressure.OnBuffered(consumer, state);
            }

            state.HeldRecords.Clear();
            if (!state.Paused && !emittingStopped)
            {
                (resume ??= []).Add(state.TopicPartition);
            }
        }

        if (resume is not null)
        {
            consumer.Resume(resume);
        }
    }

    private bool IsCurrent(PartitionState state) =>
        !state.Revoked && partitions.TryGet(state.TopicPartition, out var current) && ReferenceEquals(current, state);
}
