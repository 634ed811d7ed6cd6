namespace AkkaFraud.Node.Hosting;

/// <summary>How the node runs: everything in one process, or as one node of a real deployment.</summary>
internal enum NodeMode
{
    /// <summary>No Kafka and no PostgreSQL configured: a single-node cluster with an in-process Kafka, the simulator and SQLite.</summary>
    Embedded,

    /// <summary><c>Kafka__BootstrapServers</c> and <c>ConnectionStrings__Fraud</c> set: joins a deployment through its seed nodes.</summary>
    Cluster,
}
