using AkkaFraud.Cluster.Accounts;
using Microsoft.Extensions.Configuration;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// The scoring pipeline's settings, bound from configuration section <c>Fraud</c> (e.g. <c>Fraud__BatchSize=5000</c>).
/// The pipeline's defaults live here; the accounts' (<see cref="PassivateAfterIdle"/>, <see cref="CheckpointEvery"/>)
/// in <see cref="AccountSettings"/>.
/// </summary>
public sealed record FraudSettings
{
    public const string SectionName = "Fraud";

    private static readonly AccountSettings AccountDefaults = new();

    /// <summary>Partitions of the transactions topic: the shard count, and how API calls find an account's shard.</summary>
    public int Partitions { get; init; } = 12;

    /// <summary>Transactions on their way to the accounts at once, per node (the hop's whole buffer).</summary>
    public int MaxInFlight { get; init; } = 4096;

    /// <summary>An account that does not answer for this long fails the pipeline, which then restarts from the store.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A batch is written when it has this many records… (the end-to-end benchmark: 5,000 gave 45–61k tx/s, median 50k;
    /// 10,000 gave 51–54k in four of four runs: the warehouse transaction has costs per batch, not only per row).
    /// </summary>
    public int BatchSize { get; init; } = 10_000;

    /// <summary>…or when its first record has waited this long.</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Wait before the first restart of a failed pipeline; doubles up to <see cref="MaxRestartBackoff"/>.</summary>
    public TimeSpan MinRestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc cref="AccountSettings.PassivateAfterIdle"/>
    public TimeSpan PassivateAfterIdle { get; init; } = AccountDefaults.PassivateAfterIdle;

    /// <inheritdoc cref="AccountSettings.CheckpointEvery"/>
    public int CheckpointEvery { get; init; } = AccountDefaults.CheckpointEvery;

    public static FraudSettings FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var settings = section.Get<FraudSettings>() ?? new FraudSettings();
        settings.Validate();
        return settings;
    }

    /// <summary>What the accounts take from these settings; the rest of theirs keeps its default.</summary>
    public AccountSettings ToAccountSettings() => new() { PassivateAfterIdle = PassivateAfterIdle, CheckpointEvery = CheckpointEvery };

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is wrong and what it must be.</summary>
    public void Validate()
    {
        Require(Partitions > 0, nameof(Partitions), "a positive number (the partition count of the transactions topic)");
        Require(MaxInFlight > 0, nameof(MaxInFlight), "positive");
        Require(BatchSize > 0, nameof(BatchSize), "positive");
        Require(BatchInterval > TimeSpan.Zero, nameof(BatchInterval), "a positive duration such as 00:00:00.200");
        Require(ReplyTimeout > TimeSpan.Zero, nameof(ReplyTimeout), "a positive duration");
        Require(MinRestartBackoff > TimeSpan.Zero && MaxRestartBackoff >= MinRestartBackoff, nameof(MaxRestartBackoff), "at least MinRestartBackoff, which must be positive");
        Require(PassivateAfterIdle > TimeSpan.Zero, nameof(PassivateAfterIdle), "a positive duration");
        Require(CheckpointEvery > 0, nameof(CheckpointEvery), "a positive number of transactions (1 checkpoints every transaction)");
    }

    private static void Require(bool condition, string name, string what)
    {
        if (!condition)
        {
            throw new ArgumentException($"{SectionName}:{name} must be {what}.");
        }
    }
}
