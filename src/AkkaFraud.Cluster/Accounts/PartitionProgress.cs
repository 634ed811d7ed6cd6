using System.Collections.Concurrent;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// What this node has durably committed, per partition and epoch. Accounts consult it before passivating: an account
/// whose latest scored transaction is not yet committed holds the only copy of its state as of that transaction, so
/// it stays in memory until the batch lands (or the partition restarts with a new epoch, which makes its state moot).
/// </summary>
public sealed class PartitionProgress
{
    private readonly ConcurrentDictionary<int, (long Epoch, long NextOffset)> _committed = new();

    /// <summary>The pipeline's batch writer calls this after each committed batch.</summary>
    public void Committed(int partition, long epoch, long nextOffset) =>
        _committed.AddOrUpdate(partition, (epoch, nextOffset), (_, current) =>
            current.Epoch == epoch && current.NextOffset >= nextOffset ? current : (epoch, nextOffset));

    /// <summary>Whether state that includes <paramref name="offset"/> of <paramref name="epoch"/> may be dropped.</summary>
    public bool IsSafeToForget(int partition, long epoch, long offset) =>
        !_committed.TryGetValue(partition, out var committed)
            ? offset < 0
            : committed.Epoch != epoch || committed.NextOffset > offset;
}
