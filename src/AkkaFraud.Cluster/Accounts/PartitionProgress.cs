using System.Collections.Concurrent;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// The one owner of what this node has durably committed, per partition run: which run (epoch, start offset) each
/// assigned partition is in, and the stored offset its next batch must find (the compare-and-set). The partition
/// listener begins and ends runs; the committed-marking stage at the end of the pipeline moves the stored offset; the
/// batch writer and the accounts only read.
/// </summary>
/// <remarks>
/// Accounts consult it before passivating: an account whose latest scored transaction is not yet committed holds the
/// only copy of its state as of that transaction, so it stays in memory until the batch lands (or the partition starts
/// a new run, which makes its state moot). A revoked partition's last run is kept, no longer owned, so that a batch of
/// it still in flight can finish its compare-and-set and its accounts can still tell what was committed.
/// </remarks>
public sealed class PartitionProgress
{
    private readonly ConcurrentDictionary<int, RunProgress> _partitions = new();

    private sealed record RunProgress(PartitionRun Run, long? StoredOffset, bool Owned);

    /// <summary>Starts a new run of a partition just assigned, whose warehouse offset is <paramref name="storedOffset"/> (null: none yet).</summary>
    public PartitionRun Begin(int partition, long startOffset, long? storedOffset)
    {
        var run = new PartitionRun(Random.Shared.NextInt64(1, long.MaxValue), startOffset);
        _partitions[partition] = new RunProgress(run, storedOffset, Owned: true);
        return run;
    }

    /// <summary>The partition was revoked or lost: its records are another owner's work from now on.</summary>
    public void End(int partition)
    {
        while (_partitions.TryGetValue(partition, out var current) && current.Owned
            && !_partitions.TryUpdate(partition, current with { Owned = false }, current))
        {
        }
    }

    /// <summary>The run a partition is in while this node owns it; null otherwise.</summary>
    public PartitionRun? Current(int partition) =>
        _partitions.TryGetValue(partition, out var progress) && progress.Owned ? progress.Run : null;

    /// <summary>The runs of every partition this node owns, right now.</summary>
    public IReadOnlyDictionary<int, PartitionRun> Owned()
    {
        var owned = new Dictionary<int, PartitionRun>();
        foreach (var (partition, progress) in _partitions)
        {
            if (progress.Owned)
            {
                owned[partition] = progress.Run;
            }
        }

        return owned;
    }

    /// <summary>
    /// The stored offset the next batch of <paramref name="run"/> must find; false when the partition has started
    /// another run since (the batch belongs to a run that is over).
    /// </summary>
    public bool TryGetStoredOffset(int partition, PartitionRun run, out long? storedOffset)
    {
        if (_partitions.TryGetValue(partition, out var progress) && progress.Run.Epoch == run.Epoch)
        {
            storedOffset = progress.StoredOffset;
            return true;
        }

        storedOffset = null;
        return false;
    }

    /// <summary>A batch of the run with <paramref name="epoch"/> committed; the partition's stored offset is now <paramref name="nextOffset"/>.</summary>
    public void Committed(int partition, long epoch, long nextOffset)
    {
        while (_partitions.TryGetValue(partition, out var current) && current.Run.Epoch == epoch
            && (current.StoredOffset is not { } stored || stored < nextOffset)
            && !_partitions.TryUpdate(partition, current with { StoredOffset = nextOffset }, current))
        {
        }
    }

    /// <summary>Whether state that includes <paramref name="offset"/> of <paramref name="epoch"/> may be dropped.</summary>
    public bool IsSafeToForget(int partition, long epoch, long offset) =>
        !_partitions.TryGetValue(partition, out var progress)
            ? offset < 0
            : progress.Run.Epoch != epoch || progress.StoredOffset > offset;
}
