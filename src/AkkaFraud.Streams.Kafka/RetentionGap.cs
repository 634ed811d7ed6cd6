namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// Records a partition no longer has: the next offset to read was below the partition's low watermark (deleted by
/// topic retention, or by the embedded cluster's bounded log), so offsets <see cref="FirstMissingOffset"/> up to
/// <see cref="ResumedOffset"/> (exclusive) were never delivered. The source reports it, counts it and resumes at
/// <see cref="ResumedOffset"/>; it never skips records silently.
/// </summary>
public sealed record RetentionGap(string Topic, int Partition, long FirstMissingOffset, long ResumedOffset)
{
    /// <summary>How many offsets were skipped (an upper bound on lost records: compaction or transactions leave holes too).</summary>
    public long MissingOffsets => ResumedOffset - FirstMissingOffset;
}
