using Akka;
using Akka.Event;
using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Internal;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// Producing to Kafka from a stream: idempotent (no duplicates from retries, per-partition order kept), acks from all
/// in-sync replicas, Java-compatible murmur2 partitioning. Results are emitted in input order once the broker has
/// acknowledged them; a record that cannot be delivered within <see cref="KafkaProducerSettings.DeliveryTimeout"/>
/// fails the stream.
/// </summary>
public static class KafkaProducer
{
    /// <summary>
    /// Builds a producer with the connector's contract configuration (see <see cref="KafkaSettings"/>); errors and
    /// librdkafka logs go to <paramref name="log"/> when given.
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
    /// A flow that produces each message and emits its delivery result, in input order, with at most
    /// <see cref="KafkaProducerSettings.MaxInFlight"/> awaiting acknowledgement. Each materialization owns a producer,
    /// flushed and disposed when the flow stops.
    /// </summary>
    public static Flow<ProducerMessage<TPassThrough>, ProducerResult<TPassThrough>, NotUsed> Flow<TPassThrough>(KafkaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Akka.Streams.Dsl.Flow.FromGraph(new KafkaProducerStage<TPassThrough>(settings.Producer, log => Create(settings, log), ownsProducer: true));
    }

    /// <summary>As <see cref="Flow{TPassThrough}(KafkaSettings)"/>, on a producer the caller owns and shares.</summary>
    public static Flow<ProducerMessage<TPassThrough>, ProducerResult<TPassThrough>, NotUsed> Flow<TPassThrough>(
        IProducer<byte[]?, byte[]?> producer, KafkaProducerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(settings);
        return Akka.Streams.Dsl.Flow.FromGraph(new KafkaProducerStage<TPassThrough>(settings, _ => producer, ownsProducer: false));
    }

    /// <summary>A sink that produces records; its task completes when every record is acknowledged, or fails.</summary>
    public static Sink<ProducerRecord, Task<Done>> Sink(KafkaSettings settings) =>
        Akka.Streams.Dsl.Flow.Create<ProducerRecord>()
            .Select(static record => new ProducerMessage<NotUsed>(record, NotUsed.Instance))
            .Via(Flow<NotUsed>(settings))
            .ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<ProducerResult<NotUsed>>(), Keep.Right);
}
