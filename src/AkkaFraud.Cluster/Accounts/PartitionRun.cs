namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// One run of one partition on this node, from its assignment to its revocation: the epoch (a fresh random id that makes
/// accounts reload their state) and the offset consumption started at.
/// </summary>
public sealed record PartitionRun(long Epoch, long StartOffset);
