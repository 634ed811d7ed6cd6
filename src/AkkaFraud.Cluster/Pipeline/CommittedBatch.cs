namespace AkkaFraud.Cluster.Pipeline;

/// <summary>A prepared batch whose warehouse transaction committed, and how long that transaction took.</summary>
internal sealed record CommittedBatch(PreparedBatch Batch, TimeSpan WriteTime)
{
    public int Records => Batch.Transactions.Count + Batch.DeadLetters.Count;
}
