namespace AkkaFraud.Cluster.Pipeline;

/// <summary>A batch was refused because another owner moved a partition's stored offset: this run must restart from the store.</summary>
public sealed class PartitionFencedException(string message) : Exception(message);
