using Akka.Event;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>Tells the user's <see cref="IKafkaPartitionListener"/>; whatever it throws is logged and never reaches the poll loop.</summary>
internal sealed class PartitionListenerGuard(IKafkaPartitionListener? listener, ILoggingAdapter log)
{
    private readonly IKafkaPartitionListener _listener = listener ?? NoListener.Instance;

    public void Notify<T>(Action<IKafkaPartitionListener, T> call, T argument)
    {
        try
        {
            call(_listener, argument);
        }
        catch (Exception e)
        {
            log.Error(e, "Kafka partition listener {0} threw; the source carries on", _listener.GetType().Name);
        }
    }

    /// <summary>Like <see cref="Notify{T}"/> for a call that returns a task; a throw or a null counts as a completed task.</summary>
    public Task Ask<T>(Func<IKafkaPartitionListener, T, Task> call, T argument)
    {
        try
        {
            return call(_listener, argument) ?? Task.CompletedTask;
        }
        catch (Exception e)
        {
            log.Error(e, "Kafka partition listener {0} threw; the source carries on", _listener.GetType().Name);
            return Task.CompletedTask;
        }
    }

    private sealed class NoListener : IKafkaPartitionListener
    {
        public static readonly NoListener Instance = new();
    }
}
