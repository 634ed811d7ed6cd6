using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Internal;

namespace AkkaFraud.Streams.Kafka;

/// <summary>The Kafka consumer as an Akka.Streams source.</summary>
public static class KafkaSource
{
    /// <summary>
    /// A source of the records of <paramref name="topics"/> for the partitions the consumer group assigns to it,
    /// starting each at the offset <paramref name="offsetStore"/> holds for it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>One stream, partition-tagged records.</b> Every <see cref="KafkaRecord"/> carries its topic, partition and
    /// offset, and records of one partition are emitted in offset order. We chose this over one sub-stream per
    /// partition: the pipeline routes by partition anyway (shard id = partition), a single stream keeps the hot path
    /// free of per-partition stream plumbing, and partition lifecycle is told to <paramref name="listener"/> instead.
    /// After a partition is revoked none of its buffered records is emitted.
    /// </para>
    /// <para>
    /// <b>Backpressure.</b> A dedicated thread polls the consumer in batches (<see cref="KafkaConsumerSettings.MaxBatchSize"/>).
    /// Each partition buffers at most <see cref="KafkaConsumerSettings.MaxBufferedRecordsPerPartition"/> records: at that
    /// mark it is paused in Kafka, and resumed when downstream has taken half. librdkafka's own prefetch is bounded by
    /// <see cref="KafkaConsumerSettings.PrefetchKilobytes"/>.
    /// </para>
    /// <para>
    /// <b>Offsets.</b> The offset store is the truth; the Kafka group commit is advisory (for lag tools): mark processed
    /// records with <see cref="KafkaRecord.MarkProcessed"/>, and the source commits them for the
    /// partitions it still owns, at most once per <see cref="KafkaConsumerSettings.CommitInterval"/>. A stored offset
    /// below the partition's low watermark is reported as a <see cref="RetentionGap"/>, never skipped silently.
    /// </para>
    /// <para>
    /// <b>Lifecycle.</b> Stop with <see cref="KafkaConsumerControl.DrainAndShutdownAsync{T}(Task{T})"/>. Fatal Kafka
    /// errors and an offset store that does not answer fail the stream; unreachable brokers make
    /// <see cref="KafkaConsumerControl.Health"/> unhealthy after <see cref="KafkaConsumerSettings.UnreachableTimeout"/>
    /// while the consumer keeps retrying. Each materialization is its own consumer in the group.
    /// </para>
    /// <para>
    /// <b>Time.</b> Every timeout and interval of the source runs on <paramref name="timeProvider"/>
    /// (<see cref="TimeProvider.System"/> when null); librdkafka's own timers do not.
    /// </para>
    /// </remarks>
    public static Source<KafkaRecord, KafkaConsumerControl> Create(
        KafkaSettings settings,
        IEnumerable<string> topics,
        IKafkaOffsetStore offsetStore,
        IKafkaPartitionListener? listener = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(offsetStore);
        settings.Validate();
        var topicList = topics.ToArray();
        if (topicList.Length == 0 || topicList.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Name at least one topic, and no empty one.", nameof(topics));
        }

        return Source.FromGraph(new KafkaSourceStage(settings, topicList, offsetStore, listener, timeProvider ?? TimeProvider.System));
    }
}
