namespace AkkaFraud.Cluster.Accounts;

/// <summary>How an <see cref="AccountActor"/> behaves. The defaults live here, and only here.</summary>
public sealed record AccountSettings
{
    /// <summary>An account with no message for this long leaves memory (once its state is committed).</summary>
    public TimeSpan PassivateAfterIdle { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan LoadRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An account hands out its state for a checkpoint (written in the batch transaction) after every this many of its
    /// transactions; an account that starts replays its stored rows after its checkpoint. Fewer checkpoints make batches
    /// cheaper (a checkpoint per transaction doubled the warehouse time per batch); more make activation cheaper (at
    /// most this many rows to replay). 1 checkpoints every transaction.
    /// </summary>
    public int CheckpointEvery { get; init; } = 16;
}
