using Akka.Event;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// The one place a production producer is built: idempotent (no duplicates from retries, per-partition order kept),
/// acks from all in-sync replicas, Java-compatible murmur2 partitioning, so a key lands on the partition
/// <see cref="KafkaPartitioner.PartitionFor(string, int)"/> names and its account's shard follows it.
/// </summary>
/// <remarks>
/// There is deliberately no producer stage: the pipeline's batch writer produces a batch's alerts and dead letters
/// with <see cref="IProducer{TKey,TValue}.ProduceAsync(string, Message{TKey,TValue}, CancellationToken)"/> and awaits
/// them all before the batch's warehouse commit, while the previous batch's commit is still running; a delivery
/// that fails within <see cref="KafkaProducerSettings.DeliveryTimeout"/> fails that await, so the batch is not
/// committed. The caller owns the producer: flush and dispose it on shutdown.
/// </remarks>
public static class KafkaProducer
{
    /// <summary>
    /// Builds a producer with the connector's contract configuration (<see cref="KafkaSettings.CreateProducerConfig"/>);
    /// errors and librdkafka's warnings go to <paramref name="log"/> when given.
    /// </summary>
    public static IProducer<byte[]?, byte[]?> Create(KafkaSettings settings, ILoggingAdapter? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var builder = new ProducerBuilder<byte[]?, byte[]?>(settings.CreateProducerConfig());
        if (log is not null)
        {
            builder
                .SetErrorHandler((_, error) => log.Warning("Kafka producer error: {0} ({1}, fatal: {2})", error.Reason, error.Code, error.IsFatal))
                .SetLogHandler((_, message) =>
                {
                    if (message.Level <= SyslogLevel.Warning)
                    {
                        log.Warning("librdkafka {0}: {1}", message.Facility, message.Message);
                    }
                });
        }

        return builder.Build();
    }

    /// <summary>
    /// The same producer for a command-line tool: librdkafka's log lines stay off the terminal, and its errors go to
    /// <paramref name="onError"/> (e.g. <see cref="ErrorCode.Local_AllBrokersDown"/>), for the tool to report once.
    /// </summary>
    public static IProducer<byte[]?, byte[]?> Create(KafkaSettings settings, Action<Confluent.Kafka.Error> onError)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(onError);
        settings.Validate();
        return new ProducerBuilder<byte[]?, byte[]?>(settings.CreateProducerConfig())
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, error) => onError(error))
            .Build();
    }
}
