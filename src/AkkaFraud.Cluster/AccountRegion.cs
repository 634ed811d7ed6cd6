namespace AkkaFraud.Cluster;

/// <summary>Registry key of the <c>account</c> shard region (or its proxy, on nodes that do not score).</summary>
public sealed class AccountRegion;
