namespace AkkaFraud.Cluster.Accounts;

public sealed record AccountSettings
{
    /// <summary>An account with no message for this long leaves memory (once its state is committed).</summary>
    public TimeSpan PassivateAfterIdle { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan LoadRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
