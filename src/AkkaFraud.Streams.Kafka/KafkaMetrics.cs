using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AkkaFraud.Streams.Kafka;

/// <summary>The connector's instruments, on the meter <see cref="MeterName"/>.</summary>
public static class KafkaMetrics
{
    public const string MeterName = "AkkaFraud.Streams.Kafka";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Retention gaps met by sources, tagged <c>topic</c> and <c>partition</c>.</summary>
    public static readonly Counter<long> RetentionGaps =
        Meter.CreateCounter<long>("akkafraud.kafka.consumer.retention_gaps", "{gap}", "Stored offsets found below a partition's low watermark");

    /// <summary>Offsets skipped over by retention gaps, tagged <c>topic</c> and <c>partition</c>.</summary>
    public static readonly Counter<long> RetentionGapOffsets =
        Meter.CreateCounter<long>("akkafraud.kafka.consumer.retention_gap_offsets", "{offset}", "Offsets lost to retention gaps");

    /// <summary>Advisory commits that failed, tagged <c>group</c> and <c>error</c>.</summary>
    public static readonly Counter<long> CommitFailures =
        Meter.CreateCounter<long>("akkafraud.kafka.consumer.commit_failures", "{commit}", "Failed advisory offset commits");

    /// <summary>Partitions paused because their buffer reached the high-water mark, tagged <c>topic</c> and <c>partition</c>.</summary>
    public static readonly Counter<long> PartitionPauses =
        Meter.CreateCounter<long>("akkafraud.kafka.consumer.partition_pauses", "{pause}", "Partitions paused because their buffer reached the high-water mark");

    /// <summary>Paused partitions resumed because downstream took half their buffer, tagged <c>topic</c> and <c>partition</c>.</summary>
    public static readonly Counter<long> PartitionResumes =
        Meter.CreateCounter<long>("akkafraud.kafka.consumer.partition_resumes", "{resume}", "Paused partitions resumed after downstream drained half their buffer");

    internal static TagList Partition(string topic, int partition) => new() { { "topic", topic }, { "partition", partition } };
}
