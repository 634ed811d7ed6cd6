namespace AkkaFraud.Cluster.Pipeline;

/// <summary>
/// This node's pipeline counters, read by the node itself (its per-second stats report and its readiness check); the
/// process-wide <see cref="PipelineMetrics"/> meter is for Prometheus. One instance per node (registered by
/// <see cref="FraudClusterHosting.AddFraudScoringServices"/>), updated by the pipeline alongside the meter. Thread-safe;
/// <see cref="TakeWindow"/> has one reader (the stats reporter), everything else may be read by anyone.
/// </summary>
public sealed class PipelineStats
{
    private readonly Lock _lock = new();
    private LatencyHistogram _latency = new();
    private long _consumed;
    private long _scored;
    private long _flagged;
    private long _deadLettered;
    private long _gaps;
    private long _windowConsumed;
    private long _windowScored;
    private long _windowFlagged;
    private long _windowDeadLettered;
    private long _windowGaps;
    private long _batches;
    private double _batchWriteMs;
    private volatile PipelineState _state = PipelineState.NotStarted;

    public PipelineState State => _state;

    /// <summary>Records read from Kafka since the node started.</summary>
    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Valid transactions committed since the node started.</summary>
    public long Scored => Interlocked.Read(ref _scored);

    public long Flagged => Interlocked.Read(ref _flagged);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Retention gaps this node met since it started.</summary>
    public long IngestGaps => Interlocked.Read(ref _gaps);

    internal void RecordConsumed() => Interlocked.Increment(ref _consumed);

    internal void RecordGap() => Interlocked.Increment(ref _gaps);

    internal void SetState(PipelineState state) => _state = state;

    /// <summary>Batches committed since the node started, and the time their warehouse writes took in all.</summary>
    public (long Batches, double WriteMs) BatchWrites
    {
        get
        {
            lock (_lock)
            {
                return (_batches, _batchWriteMs);
            }
        }
    }

    /// <summary>
    /// One committed batch: its counts, how long its warehouse write took, and the ingest→commit latency of every record
    /// it committed.
    /// </summary>
    internal void RecordCommitted(int scored, int flagged, int deadLettered, double writeMs, IReadOnlyList<double> latenciesMs)
    {
        lock (_lock)
        {
            _batches++;
            _batchWriteMs += writeMs;
            _scored += scored;
            _flagged += flagged;
            _deadLettered += deadLettered;
            foreach (var latency in latenciesMs)
            {
                _latency.Record(latency);
            }
        }
    }

    /// <summary>
    /// What happened since the previous call (the first call: since the node started), and the ingest→commit latencies
    /// of the records committed in that time. Call it at a fixed interval from one place.
    /// </summary>
    public PipelineStatsWindow TakeWindow()
    {
        lock (_lock)
        {
            var consumed = Interlocked.Read(ref _consumed);
            var gaps = Interlocked.Read(ref _gaps);
            var window = new PipelineStatsWindow(
                consumed - _windowConsumed,
                _scored - _windowScored,
                _flagged - _windowFlagged,
                _deadLettered - _windowDeadLettered,
                gaps - _windowGaps,
                _latency);
            (_windowConsumed, _windowScored, _windowFlagged, _windowDeadLettered, _windowGaps) = (consumed, _scored, _flagged, _deadLettered, gaps);
            _latency = new LatencyHistogram();
            return window;
        }
    }
}
