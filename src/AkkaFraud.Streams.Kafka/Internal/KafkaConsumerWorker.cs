using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Akka.Event;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;
using LogMessage = Confluent.Kafka.LogMessage;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// Owns one Confluent consumer and the dedicated thread that polls it. Everything that touches the consumer runs on
/// that thread: batched polling, rebalance callbacks (inline, as librdkafka calls them), pause/resume, retention-gap
/// recovery, advisory commits, health and the final close. The stage talks to it through thread-safe flags, the
/// per-partition buffer counters and the processed-offsets map; it talks to the stage through async callbacks.
/// </summary>
internal sealed class KafkaConsumerWorker
{
    private static readonly TimeSpan PausedPollTimeout = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan WatermarkQueryTimeout = TimeSpan.FromSeconds(5);

    private static readonly HashSet<ErrorCode> RetriableCommitErrors =
    [
        ErrorCode.RebalanceInProgress,
        ErrorCode.GroupLoadInProgress,
        ErrorCode.GroupCoordinatorNotAvailable,
        ErrorCode.NotCoordinatorForGroup,
        ErrorCode.RequestTimedOut,
        ErrorCode.NetworkException,
        ErrorCode.Local_TimedOut,
        ErrorCode.Local_Transport,
        ErrorCode.Local_AllBrokersDown,
        ErrorCode.Local_WaitCoord,
        ErrorCode.Local_Retry,
    ];

    private readonly KafkaSettings _settings;
    private readonly KafkaConsumerSettings _options;
    private readonly IReadOnlyList<string> _topics;
    private readonly IKafkaOffsetStore _offsetStore;
    private readonly IKafkaPartitionListener _listener;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<TopicPartition, long> _processed = new();
    private readonly Lock _lifecycle = new();

    // Poll thread only.
    private readonly Dictionary<TopicPartition, PartitionState> _partitions = [];
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private readonly Dictionary<TopicPartition, long> _pendingGaps = [];
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private ILoggingAdapter _log = NoLogger.Instance;
    private Action<List<KafkaRecord>> _deliver = static _ => { };
    private Action<Exception> _fail = static _ => { };
    private Action _completeStage = static () => { };
    private bool _emittingStopped;
    private long _nextCommitAt;
    private long _nextGapAttemptAt;
    private long? _unreachableSince;
    private string _unreachableReason = "no broker reachable";
    private Exception? _fatal;
    private (List<TopicPartitionOffset> Offsets, Task Task)? _commit;
    private bool _closing;

    // Shared.
    private volatile bool _stopRequested;
    private volatile bool _shutdownRequested;
    private volatile KafkaSourceHealth _health = KafkaSourceHealth.Starting(DateTimeOffset.UtcNow);
    private volatile PartitionState[] _assigned = [];
    private int _peakBuffered;
    private Thread? _thread;

    public KafkaConsumerWorker(KafkaSettings settings, IReadOnlyList<string> topics, IKafkaOffsetStore offsetStore, IKafkaPartitionListener? listener)
    {
        _settings = settings;
        _options = settings.Consumer;
        _topics = topics;
        _offsetStore = offsetStore;
        _listener = listener ?? NoListener.Instance;
    }

    public IReadOnlyCollection<TopicPartition> Assignment => [.. _assigned.Select(static state => state.TopicPartition)];

    /// <summary>Records buffered per assigned partition, right now.</summary>
    public IReadOnlyDictionary<TopicPartition, int> BufferedRecords =>
        _assigned.ToDictionary(static state => state.TopicPartition, static state => Volatile.Read(ref state.Buffered));

    /// <summary>The most records one partition ever had buffered in this source.</summary>
    public int PeakBufferedRecords => Volatile.Read(ref _peakBuffered);

    public KafkaSourceHealth Health => _health;

    public Task Closed => _closed.Task;

    /// <summary>Whether the stage stopping on its own should shut the consumer down (not after a drain's stop).</summary>
    public bool StopRequested => _stopRequested;

    public void Start(ILoggingAdapter log, Action<List<KafkaRecord>> deliver, Action<Exception> fail, Action completeStage)
    {
        lock (_lifecycle)
        {
            if (_shutdownRequested)
            {
                _closed.TrySetResult();
                return;
            }

            (_log, _deliver, _fail, _completeStage) = (log, deliver, fail, completeStage);
            _thread = new Thread(Run) { IsBackground = true, Name = $"kafka-consumer-{_settings.GroupId}" };
            _thread.Start();
        }
    }

    public void RequestStop() => _stopRequested = true;

    public void RequestShutdown()
    {
        lock (_lifecycle)
        {
            _stopRequested = true;
            _shutdownRequested = true;
            if (_thread is null)
            {
                _closed.TrySetResult();
            }
        }
    }

    public void MarkProcessed(TopicPartition partition, long nextOffset) =>
        _processed.AddOrUpdate(partition, static (_, next) => next, static (_, current, next) => Math.Max(current, next), nextOffset);

    private void Run()
    {
        IConsumer<byte[]?, byte[]?>? consumer = null;
        try
        {
            consumer = BuildConsumer();
            _consumer = consumer;
            consumer.Subscribe(_topics);
            _log.Info("Kafka source subscribed to {0} in group {1}", string.Join(",", _topics), _settings.GroupId);
            PollUntilShutdown(consumer);
            CommitOnShutdown(consumer);
        }
        catch (Exception e)
        {
            // Fail the stream first: closing may take a moment, and downstream should know at once.
            _log.Error(e, "Kafka source failed: {0}", e.Message);
            _fail(e);
        }
        finally
        {
            if (consumer is not null)
            {
                Close(consumer);
                consumer.Dispose();
            }

            _consumer = null;
            _assigned = [];
            _closed.TrySetResult();
        }
    }

    private IConsumer<byte[]?, byte[]?> BuildConsumer() =>
        new ConsumerBuilder<byte[]?, byte[]?>(_settings.CreateConsumerConfig())
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions, lost: false))
            .SetPartitionsLostHandler((_, partitions) => OnRevoked(partitions, lost: true))
            .SetErrorHandler((_, error) => OnError(error))
            .SetStatisticsHandler((_, json) => OnStatistics(json))
            .SetLogHandler((_, message) => OnLog(message))
            .Build();

    private void PollUntilShutdown(IConsumer<byte[]?, byte[]?> consumer)
    {
        var batch = new List<KafkaRecord>(_options.MaxBatchSize);
        while (!_shutdownRequested)
        {
            if (_stopRequested && !_emittingStopped)
            {
                _emittingStopped = true;
                _log.Info("Kafka source stops emitting; the consumer stays in its group until shutdown");
                _completeStage();
            }

            var now = Stopwatch.GetTimestamp();
            ApplyBackpressure(consumer);
            ResolveRetentionGaps(consumer, now);
            CommitIfDue(consumer, now);
            UpdateHealth(now);

            ConsumeBatch(consumer, batch);
            if (_fatal is not null)
            {
                throw _fatal;
            }

            if (batch.Count > 0)
            {
                if (!_emittingStopped)
                {
                    _deliver(batch);
                    batch = new List<KafkaRecord>(_options.MaxBatchSize);
                }
                else
                {
                    batch.Clear();
                }
            }
        }
    }

    /// <summary>Polls until a batch is full or no record is ready; the first poll may wait, the rest do not.</summary>
    private void ConsumeBatch(IConsumer<byte[]?, byte[]?> consumer, List<KafkaRecord> batch)
    {
        var timeout = _emittingStopped || _partitions.Values.Any(static p => p.Paused) ? PausedPollTimeout : _options.PollTimeout;
        var highWater = _options.MaxBufferedRecordsPerPartition;
        while (batch.Count < _options.MaxBatchSize)
        {
            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = consumer.Consume(timeout);
            }
            catch (ConsumeException e)
            {
                OnConsumeError(e);
                return;
            }

            if (result is null)
            {
                return;
            }

            timeout = TimeSpan.Zero;
            if (!_partitions.TryGetValue(result.TopicPartition, out var state))
            {
                _log.Debug("Kafka source dropped {0}: its partition is not assigned", result.TopicPartitionOffset);
                continue;
            }

            batch.Add(new KafkaRecord(result, state));
            var buffered = Interlocked.Increment(ref state.Buffered);
            if (buffered > _peakBuffered)
            {
                Volatile.Write(ref _peakBuffered, buffered);
            }

            if (buffered >= highWater && !state.Paused)
            {
                // librdkafka drops what it prefetched for a paused partition, so nothing more of it arrives.
                consumer.Pause([state.TopicPartition]);
                state.Paused = true;
                KafkaMetrics.PartitionPauses.Add(1, KafkaMetrics.Partition(state.TopicPartition.Topic, state.TopicPartition.Partition.Value));
            }
        }
    }

    /// <summary>Resumes partitions whose buffer drained to half the high-water mark; pauses everything once stopped.</summary>
    private void ApplyBackpressure(IConsumer<byte[]?, byte[]?> consumer)
    {
        var lowWater = _options.MaxBufferedRecordsPerPartition / 2;
        List<TopicPartition>? resume = null;
        List<TopicPartition>? pause = null;
        foreach (var state in _partitions.Values)
        {
            if (_emittingStopped)
            {
                if (!state.Paused)
                {
                    (pause ??= []).Add(state.TopicPartition);
                    state.Paused = true;
                }
            }
            else if (state.Paused && Volatile.Read(ref state.Buffered) <= lowWater)
            {
                (resume ??= []).Add(state.TopicPartition);
                state.Paused = false;
                KafkaMetrics.PartitionResumes.Add(1, KafkaMetrics.Partition(state.TopicPartition.Topic, state.TopicPartition.Partition.Value));
            }
        }

        if (pause is not null)
        {
            consumer.Pause(pause);
        }

        if (resume is not null)
        {
            consumer.Resume(resume);
        }
    }

    private List<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        if (partitions.Count == 0)
        {
            return [];
        }

        var stored = LoadStartOffsets(partitions);
        var start = new List<TopicPartitionOffset>(partitions.Count);
        var fallback = _options.StartWithoutStoredOffset == StartPosition.Latest ? Offset.End : Offset.Beginning;
        foreach (var partition in partitions)
        {
            _partitions[partition] = new PartitionState(partition);
            _committed.Remove(partition);
            _pendingGaps.Remove(partition);
            if (stored.TryGetValue(partition, out var next))
            {
                // What the store holds is processed by definition: the group's commit catches up with it at once.
                _processed[partition] = next;
                start.Add(new TopicPartitionOffset(partition, new Offset(next)));
            }
            else
            {
                _processed.TryRemove(partition, out _);
                start.Add(new TopicPartitionOffset(partition, fallback));
            }
        }

        _assigned = [.. _partitions.Values];
        _log.Info("Kafka source assigned {0}", string.Join(", ", start.Select(static p => $"{p.Topic}[{p.Partition.Value}]@{Describe(p.Offset)}")));
        Notify(static (listener, start) => listener.OnPartitionsAssigned(start), start);
        return start;
    }

    /// <summary>Asks the offset store, retrying failures with backoff until the store timeout; then the stream fails.</summary>
    private IReadOnlyDictionary<TopicPartition, long> LoadStartOffsets(List<TopicPartition> partitions)
    {
        var deadline = Stopwatch.GetTimestamp() + Ticks(_options.OffsetStoreTimeout);
        var backoff = TimeSpan.FromMilliseconds(100);
        IReadOnlyDictionary<TopicPartition, long> offsets;
        while (true)
        {
            try
            {
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                using var timeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
                offsets = _offsetStore.GetStartOffsetsAsync(partitions, timeout.Token).GetAwaiter().GetResult()
                    ?? throw new InvalidOperationException("The offset store returned null instead of a dictionary.");
                break;
            }
            catch (Exception e) when (!_shutdownRequested && Stopwatch.GetTimestamp() + Ticks(backoff) < deadline)
            {
                _log.Warning("Offset store failed to return start offsets ({0}); retrying in {1} ms", e.Message, backoff.TotalMilliseconds);
                Thread.Sleep(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (Exception e)
            {
                throw new KafkaOffsetStoreException(
                    $"The offset store gave no start offsets for {string.Join(", ", partitions)} within {_options.OffsetStoreTimeout}.", e);
            }
        }

        if (offsets.FirstOrDefault(static entry => entry.Value < 0) is { Key: not null } negative)
        {
            throw new KafkaOffsetStoreException($"The offset store returned offset {negative.Value} for {negative.Key}; offsets are never negative.");
        }

        return offsets;
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions, bool lost)
    {
        var revoked = partitions.Select(static p => p.TopicPartition).ToList();
        foreach (var partition in revoked)
        {
            if (_partitions.TryGetValue(partition, out var state))
            {
                state.Revoke();
            }
        }

        // Still ours during the callback: a last advisory commit, before the group can hand them on (unless the group
        // already gave them away, or the shutdown's final commit just did it).
        if (!lost && !_closing && _consumer is { } consumer)
        {
            CommitNow(consumer, revoked);
        }

        foreach (var partition in revoked)
        {
            _partitions.Remove(partition);
            _committed.Remove(partition);
            _pendingGaps.Remove(partition);
        }

        _assigned = [.. _partitions.Values];
        if (lost)
        {
            _log.Warning("Kafka source lost {0} (evicted from the group)", string.Join(", ", revoked));
        }
        else
        {
            _log.Info("Kafka source revoked {0}", string.Join(", ", revoked));
        }

        Notify(static (listener, args) => listener.OnPartitionsRevoked(args.revoked, args.lost), (revoked, lost));
    }

    private void OnConsumeError(ConsumeException e)
    {
        if (e.Error.Code == ErrorCode.Local_AutoOffsetReset && e.ConsumerRecord?.TopicPartitionOffset is { } position
            && _partitions.ContainsKey(position.TopicPartition))
        {
            // The offset we asked for is out of the partition's range; the partition stops fetching until we restart it.
            _log.Warning("Kafka source: offset {0} of {1} is out of range ({2}); checking for a retention gap", position.Offset.Value, position.TopicPartition, e.Error.Reason);
            _pendingGaps[position.TopicPartition] = position.Offset.Value;
            _nextGapAttemptAt = 0;
            return;
        }

        if (e.Error.IsFatal)
        {
            _fatal = new KafkaException(e.Error);
            return;
        }

        _log.Warning("Kafka source consume error: {0} ({1})", e.Error.Reason, e.Error.Code);
    }

    /// <summary>
    /// For each partition that stopped on an out-of-range offset: if the offset is below the low watermark the records
    /// are gone, so report the gap and restart at the low watermark; if it is back in range (a transient leader
    /// change), restart where it was; if it is beyond the end, the topic is not the one the offsets were stored for,
    /// and guessing would lose or duplicate data, so the stream fails.
    /// </summary>
    private void ResolveRetentionGaps(IConsumer<byte[]?, byte[]?> consumer, long now)
    {
        if (_pendingGaps.Count == 0 || now < _nextGapAttemptAt)
        {
            return;
        }

        foreach (var (partition, firstMissing) in _pendingGaps.ToList())
        {
            WatermarkOffsets watermarks;
            try
            {
                watermarks = consumer.QueryWatermarkOffsets(partition, WatermarkQueryTimeout);
            }
            catch (KafkaException e)
            {
                _log.Warning("Kafka source could not read the watermarks of {0} ({1}); retrying", partition, e.Error.Reason);
                _nextGapAttemptAt = now + Ticks(TimeSpan.FromSeconds(1));
                return;
            }

            long resumeAt;
            RetentionGap? gap = null;
            if (firstMissing < watermarks.Low.Value)
            {
                resumeAt = watermarks.Low.Value;
                gap = new RetentionGap(partition.Topic, partition.Partition.Value, firstMissing, resumeAt);
            }
            else if (firstMissing <= watermarks.High.Value)
            {
                resumeAt = firstMissing;
            }
            else
            {
                throw new KafkaException(new Error(ErrorCode.OffsetOutOfRange,
                    $"Offset {firstMissing} of {partition} is beyond the partition's end ({watermarks.High.Value}): the topic was recreated or the " +
                    "offset store belongs to another cluster. Refusing to guess where to resume."));
            }

            if (!TryRestart(consumer, partition, resumeAt))
            {
                _nextGapAttemptAt = now + Ticks(TimeSpan.FromSeconds(1));
                return;
            }

            _pendingGaps.Remove(partition);
            if (gap is null)
            {
                _log.Info("Kafka source: offset {0} of {1} is within [{2}, {3}] again; resumed there", firstMissing, partition, watermarks.Low.Value, watermarks.High.Value);
                continue;
            }

            _log.Error("Kafka source retention gap on {0}[{1}]: offsets {2} to {3} are gone (low watermark {4}); resumed at {4}",
                gap.Topic, gap.Partition, gap.FirstMissingOffset, gap.ResumedOffset - 1, gap.ResumedOffset);
            var tags = KafkaMetrics.Partition(gap.Topic, gap.Partition);
            KafkaMetrics.RetentionGaps.Add(1, tags);
            KafkaMetrics.RetentionGapOffsets.Add(gap.MissingOffsets, tags);
            Notify(static (listener, gap) => listener.OnRetentionGap(gap), gap);
        }
    }

    /// <summary>
    /// A partition stopped by an out-of-range error fetches again only once assigned anew (librdkafka refuses a seek
    /// in that state). Outside a rebalance this changes only the local assignment, which the group still agrees with.
    /// </summary>
    private bool TryRestart(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, long offset)
    {
        try
        {
            if (consumer.Assignment.Contains(partition))
            {
                consumer.IncrementalUnassign([partition]);
            }

            consumer.IncrementalAssign([new TopicPartitionOffset(partition, new Offset(offset))]);
            if (_partitions.TryGetValue(partition, out var state) && state.Paused)
            {
                // A fresh assignment is not paused; keep the backpressure it had.
                consumer.Pause([partition]);
            }

            return true;
        }
        catch (KafkaException e)
        {
            _log.Warning("Kafka source could not restart {0} at {1} ({2}); retrying", partition, offset, e.Error.Reason);
            return false;
        }
    }

    /// <summary>
    /// The periodic advisory commit runs on its own short-lived thread, one at a time: a synchronous commit waits for
    /// the group coordinator, and the poll loop (consumption, rebalances, health) must never wait with it.
    /// </summary>
    private void CommitIfDue(IConsumer<byte[]?, byte[]?> consumer, long now)
    {
        if (_commit is { } running)
        {
            if (!running.Task.IsCompleted)
            {
                return;
            }

            _commit = null;
            OnCommitted(running.Offsets, running.Task, now);
        }

        if (now < _nextCommitAt)
        {
            return;
        }

        _nextCommitAt = now + Ticks(_options.CommitInterval);
        var offsets = Committable(_partitions.Keys);
        if (offsets.Count > 0)
        {
            _commit = (offsets, Task.Factory.StartNew(() => consumer.Commit(offsets), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }
    }

    /// <summary>Processed offsets of assigned partitions that moved since their last commit.</summary>
    private List<TopicPartitionOffset> Committable(IEnumerable<TopicPartition> partitions)
    {
        var offsets = new List<TopicPartitionOffset>();
        foreach (var partition in partitions)
        {
            if (_partitions.ContainsKey(partition) && _processed.TryGetValue(partition, out var next)
                && (!_committed.TryGetValue(partition, out var committed) || next > committed))
            {
                offsets.Add(new TopicPartitionOffset(partition, new Offset(next)));
            }
        }

        return offsets;
    }

    /// <summary>A synchronous commit, for when it must precede what follows: a revocation.</summary>
    private void CommitNow(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<TopicPartition> partitions)
    {
        var offsets = Committable(partitions);
        if (offsets.Count == 0)
        {
            return;
        }

        Exception? failure = null;
        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException e)
        {
            failure = e;
        }

        OnCommitted(offsets, failure, Stopwatch.GetTimestamp());
    }

    private CommitOutcome OnCommitted(List<TopicPartitionOffset> offsets, Task commit, long now) =>
        OnCommitted(offsets, commit.Exception?.GetBaseException(), now);

    /// <summary>Records what a commit achieved; schedules a retry after a retriable error.</summary>
    private CommitOutcome OnCommitted(List<TopicPartitionOffset> offsets, Exception? failure, long now)
    {
        if (failure is null)
        {
            foreach (var offset in offsets)
            {
                _committed[offset.TopicPartition] = offset.Offset.Value;
            }

            return CommitOutcome.Committed;
        }

        ErrorCode code;
        if (failure is TopicPartitionOffsetException partial)
        {
            foreach (var result in partial.Results.Where(static r => r.Error.Code == ErrorCode.NoError))
            {
                _committed[result.TopicPartition] = result.Offset.Value;
            }

            code = partial.Results.First(static r => r.Error.Code != ErrorCode.NoError).Error.Code;
        }
        else
        {
            code = failure is KafkaException kafka ? kafka.Error.Code : ErrorCode.Unknown;
        }

        KafkaMetrics.CommitFailures.Add(1, new KeyValuePair<string, object?>("group", _settings.GroupId), new KeyValuePair<string, object?>("error", code.ToString()));
        if (RetriableCommitErrors.Contains(code))
        {
            _log.Warning("Kafka source advisory commit failed ({0}); retrying", code);
            _nextCommitAt = now + Ticks(_options.CommitRetryBackoff);
            return CommitOutcome.Retriable;
        }

        _log.Warning("Kafka source advisory commit failed ({0}: {1}); not retriable, the next interval commits anew", code, failure.Message);
        return CommitOutcome.Failed;
    }

    /// <summary>
    /// Waits for a periodic commit in flight, then commits what is left, retrying retriable errors, all within
    /// <see cref="KafkaConsumerSettings.ShutdownCommitTimeout"/>; the close follows whatever the outcome.
    /// </summary>
    private void CommitOnShutdown(IConsumer<byte[]?, byte[]?> consumer)
    {
        var deadline = Stopwatch.GetTimestamp() + Ticks(_options.ShutdownCommitTimeout);
        while (true)
        {
            if (_commit is { } running)
            {
                if (!running.Task.Wait(Remaining(deadline)))
                {
                    _log.Warning("Kafka source closes with its last advisory commit unfinished after {0}", _options.ShutdownCommitTimeout);
                    _ = running.Task.ContinueWith(static task => task.Exception, TaskScheduler.Default);
                    break;
                }

                _commit = null;
                var outcome = OnCommitted(running.Offsets, running.Task, Stopwatch.GetTimestamp());
                if (outcome == CommitOutcome.Failed)
                {
                    break;
                }

                if (outcome == CommitOutcome.Retriable)
                {
                    // Serve callbacks while backing off: a rebalance may be what failed the commit.
                    ConsumeQuietly(consumer, TimeSpan.FromTicks(Math.Min(Remaining(deadline).Ticks, _options.CommitRetryBackoff.Ticks)));
                }
            }

            var offsets = Committable(_partitions.Keys);
            if (offsets.Count == 0 || Stopwatch.GetTimestamp() >= deadline)
            {
                break;
            }

            _commit = (offsets, Task.Factory.StartNew(() => consumer.Commit(offsets), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }

        _closing = true;
    }

    /// <summary>
    /// librdkafka aborts the process (assert in rd_kafka_cgrp_terminated) when a consumer leaves its group while an
    /// assignment is still being set up, e.g. the start offset of a partition assigned at "beginning" is still being
    /// looked up. Seen here when a node stopped right after a rebalance. So before closing, serve the consumer until
    /// every assigned partition has a position (bounded; anything it delivers meanwhile was never emitted and is read
    /// again from the stored offsets).
    /// </summary>
    private void SettleAssignment(IConsumer<byte[]?, byte[]?> consumer)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * 5.0);
        while (Stopwatch.GetTimestamp() < deadline && HasUnsettledPartition(consumer))
        {
            ConsumeQuietly(consumer, TimeSpan.FromMilliseconds(50));
        }
    }

    private static bool HasUnsettledPartition(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            return consumer.Assignment.Any(partition => consumer.Position(partition) == Offset.Unset);
        }
        catch (KafkaException)
        {
            return false; // a consumer in a fatal state has nothing left to settle
        }
    }

    private void ConsumeQuietly(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout)
    {
        try
        {
            // Paused or stopped: nothing is delivered, only callbacks are served.
            consumer.Consume(timeout);
        }
        catch (ConsumeException e)
        {
            _log.Debug("Kafka source ignored a consume error while shutting down: {0}", e.Error.Reason);
        }
    }

    private static TimeSpan Remaining(long deadline) =>
        TimeSpan.FromTicks(Math.Max(0, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline).Ticks));

    private void Close(IConsumer<byte[]?, byte[]?> consumer)
    {
        SettleAssignment(consumer);
        try
        {
            // Revokes the assignment through OnRevoked (listeners hear it) and leaves the group, so partitions move now.
            consumer.Close();
            _log.Info("Kafka source closed its consumer");
        }
        catch (Exception e)
        {
            _log.Warning("Kafka source could not close its consumer cleanly: {0}", e.Message);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            _log.Error("Kafka source fatal error: {0} ({1})", error.Reason, error.Code);
            _fatal ??= new KafkaException(error);
            return;
        }

        if (error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve)
        {
            _unreachableReason = $"{error.Code}: {error.Reason}";
            if (_unreachableSince is not null)
            {
                // Already known to be cut off: librdkafka repeats this on every reconnect attempt.
                _log.Debug("Kafka source error: {0} ({1})", error.Reason, error.Code);
                return;
            }

            if (error.Code == ErrorCode.Local_AllBrokersDown)
            {
                _unreachableSince = Stopwatch.GetTimestamp();
            }
        }

        _log.Warning("Kafka source error: {0} ({1})", error.Reason, error.Code);
    }

    /// <summary>librdkafka's statistics tell, every health-check interval, whether any broker connection is up.</summary>
    private void OnStatistics(string json)
    {
        bool reachable;
        try
        {
            using var document = JsonDocument.Parse(json);
            reachable = document.RootElement.TryGetProperty("brokers", out var brokers)
                && brokers.EnumerateObject().Any(static broker =>
                    broker.Value.TryGetProperty("state", out var state) && state.ValueEquals("UP"));
        }
        catch (JsonException e)
        {
            _log.Debug("Kafka source ignored unreadable statistics: {0}", e.Message);
            return;
        }

        if (reachable)
        {
            _unreachableSince = null;
        }
        else
        {
            _unreachableSince ??= Stopwatch.GetTimestamp();
        }
    }

    private void UpdateHealth(long now)
    {
        var health = _health;
        if (_unreachableSince is { } since)
        {
            var elapsed = Stopwatch.GetElapsedTime(since, now);
            if (health.IsHealthy && elapsed >= _options.UnreachableTimeout)
            {
                var reason = $"no Kafka broker reachable for {elapsed.TotalSeconds:0} s (last error: {_unreachableReason})";
                _log.Error("Kafka source is unhealthy: {0}", reason);
                SetHealth(new KafkaSourceHealth(false, reason, DateTimeOffset.UtcNow));
            }
        }
        else if (!health.IsHealthy)
        {
            _log.Info("Kafka source is healthy again: brokers reachable");
            SetHealth(new KafkaSourceHealth(true, "brokers reachable", DateTimeOffset.UtcNow));
        }
    }

    private void SetHealth(KafkaSourceHealth health)
    {
        _health = health;
        Notify(static (listener, health) => listener.OnHealthChanged(health), health);
    }

    private void OnLog(LogMessage message)
    {
        switch (message.Level)
        {
            case SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error:
                _log.Error("librdkafka {0}: {1}", message.Facility, message.Message);
                break;
            case SyslogLevel.Warning:
                _log.Warning("librdkafka {0}: {1}", message.Facility, message.Message);
                break;
            case SyslogLevel.Notice or SyslogLevel.Info:
                _log.Info("librdkafka {0}: {1}", message.Facility, message.Message);
                break;
            default:
                _log.Debug("librdkafka {0}: {1}", message.Facility, message.Message);
                break;
        }
    }

    private void Notify<T>(Action<IKafkaPartitionListener, T> call, T argument)
    {
        try
        {
            call(_listener, argument);
        }
        catch (Exception e)
        {
            _log.Error(e, "Kafka partition listener {0} threw; the source carries on", _listener.GetType().Name);
        }
    }

    private static string Describe(Offset offset) => offset.IsSpecial ? offset.ToString() : offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private enum CommitOutcome
    {
        Committed,
        Retriable,
        Failed,
    }

    private sealed class NoListener : IKafkaPartitionListener
    {
        public static readonly NoListener Instance = new();
    }
}
