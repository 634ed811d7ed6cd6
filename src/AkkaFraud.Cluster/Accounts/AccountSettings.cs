namespace AkkaFraud.Cluster.Accounts;

public sealed record AccountSettings
{
    /// <summary>An account with no message for this long leaves memory (once its state is committed).</summary>
    public TimeSpan PassivateAfterIdle { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan LoadRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>An account hands out its state for a checkpoint after every this many transactions (see <see cref="Pipeline.FraudSettings.CheckpointEvery"/>).</summary>
    public int CheckpointEvery { get; init; } = 16;
}
