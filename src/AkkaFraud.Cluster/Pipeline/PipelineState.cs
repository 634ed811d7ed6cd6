namespace AkkaFraud.Cluster.Pipeline;

/// <summary>Where this node's pipeline is: not started, running, restarting after a failure, or drained and stopped.</summary>
public enum PipelineState
{
    NotStarted,
    Running,
    Restarting,
    Stopped,
}
