namespace AkkaFraud.Cluster;

/// <summary>DistributedPubSub topics of the cluster's live output, which every web node's SignalR hub subscribes to.</summary>
public static class LiveTopics
{
    /// <summary>Each committed <see cref="Domain.FraudAlert"/>, published by the scorer that committed it.</summary>
    public const string Alerts = "alerts";
}
