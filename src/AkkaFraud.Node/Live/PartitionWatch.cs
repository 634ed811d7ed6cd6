namespace AkkaFraud.Node.Live;

/// <summary>One partition of the transactions topic as the lag probe last read it.</summary>
internal sealed record PartitionReading(int Partition, long? StoredOffset, long HighWatermark, long Lag, DateTimeOffset? LastCommitAt, double RecordsPerSecond);

/// <summary>
/// The lag probe's latest reading of every partition, for the management API, with the committed-records rate of each
/// computed from the readings of the last <see cref="RateWindow"/>. One writer (the probe), any number of readers.
/// </summary>
internal sealed class PartitionWatch
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);

    private readonly Queue<(DateTimeOffset At, IReadOnlyDictionary<int, long> Stored)> _history = new();
    private volatile Snapshot? _latest;

    public sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyList<PartitionReading> Partitions);

    public Snapshot? Latest => _latest;

    /// <summary>Records a reading: per partition, its stored offset (absent: none yet), commit time and high watermark.</summary>
    public void Record(DateTimeOffset at, IReadOnlyList<(int Partition, long? Stored, DateTimeOffset? CommittedAt, long High, long Lag)> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var stored = partitions.Where(p => p.Stored is not null).ToDictionary(p => p.Partition, p => p.Stored!.Value);
        while (_history.TryPeek(out var oldest) && at - oldest.At > RateWindow)
        {
            _history.Dequeue();
        }

        var baseline = _history.TryPeek(out var first) ? first : (At: at, Stored: stored);
        var seconds = (at - baseline.At).TotalSeconds;
        _latest = new Snapshot(at, [.. partitions.Select(p => new PartitionReading(
            p.Partition,
            p.Stored,
            p.High,
            p.Lag,
            p.CommittedAt,
            seconds > 0 && p.Stored is { } now ? Math.Round(Math.Max(0, now - baseline.Stored.GetValueOrDefault(p.Partition, now)) / seconds, 1) : 0))]);
        _history.Enqueue((at, stored));
    }
}
