using Akka.Event;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// The advisory Kafka commit of processed offsets (for lag tools; the offset store is the truth): periodic, before a
/// revocation, and a last one on shutdown, retrying retriable errors. Poll thread only: the consumer is lent per call.
/// </summary>
internal sealed class AdvisoryCommitter(
    KafkaSettings settings, AssignedPartitions partitions, ProcessedOffsets processed, TimeProvider time, ILoggingAdapter log)
{
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

    private readonly KafkaConsumerSettings _options = settings.Consumer;
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private long _nextCommitAt;
    private (List<TopicPartitionOffset> Offsets, Task Task)? _commit;

    private enum CommitOutcome
    {
        Committed,
        Retriable,
        Failed,
    }

    /// <summary>The shutdown's final commit is done: revocations during the close need no commit of their own.</summary>
    public bool FinalCommitDone { get; private set; }

    /// <summary>A partition assigned anew or revoked starts without a record of what was committed.</summary>
    public void Forget(TopicPartition partition) => _committed.Remove(partition);

    /// <summary>
    /// The periodic advisory commit runs on its own short-lived thread, one at a time: a synchronous commit waits for
    /// the group coordinator, and the poll loop (consumption, rebalances, health) must never wait with it.
    /// </summary>
    public void CommitIfDue(IConsumer<byte[]?, byte[]?> consumer, long now)
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

        _nextCommitAt = now + PollClock.Ticks(time, _options.CommitInterval);
        var offsets = Committable(partitions.Partitions);
        if (offsets.Count > 0)
        {
            _commit = (offsets, StartCommit(consumer, offsets));
        }
    }

    /// <summary>A synchronous commit, for when it must precede what follows: a revocation.</summary>
    public void CommitNow(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<TopicPartition> revoked)
    {
        var offsets = Committable(revoked);
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

        OnCommitted(offsets, failure, time.GetTimestamp());
    }

    /// <summary>
    /// Waits for a periodic commit in flight, then commits what is left, retrying retriable errors, all within
    /// <see cref="KafkaConsumerSettings.ShutdownCommitTimeout"/>; the close follows whatever the outcome.
    /// </summary>
    public void CommitOnShutdown(IConsumer<byte[]?, byte[]?> consumer)
    {
        var deadline = time.GetTimestamp() + PollClock.Ticks(time, _options.ShutdownCommitTimeout);
        while (true)
        {
            if (_commit is { } running)
            {
                if (!running.Task.Wait(PollClock.Remaining(time, deadline)))
                {
                    log.Warning("Kafka source closes with its last advisory commit unfinished after {0}", _options.ShutdownCommitTimeout);
                    _ = running.Task.ContinueWith(static task => task.Exception, TaskScheduler.Default);
                    break;
                }

                _commit = null;
                var outcome = OnCommitted(running.Offsets, running.Task, time.GetTimestamp());
                if (outcome == CommitOutcome.Failed)
                {
                    break;
                }

                if (outcome == CommitOutcome.Retriable)
                {
                    // Serve callbacks while backing off: a rebalance may be what failed the commit.
                    ConsumerCloser.ConsumeQuietly(consumer, TimeSpan.FromTicks(Math.Min(PollClock.Remaining(time, deadline).Ticks, _options.CommitRetryBackoff.Ticks)), log);
                }
            }

            var offsets = Committable(partitions.Partitions);
            if (offsets.Count == 0 || time.GetTimestamp() >= deadline)
            {
                break;
            }

            _commit = (offsets, StartCommit(consumer, offsets));
        }

        FinalCommitDone = true;
    }

    // The one consumer call off the poll thread: librdkafka's commit is thread-safe, and one runs at a time.
    private static Task StartCommit(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> offsets) =>
        Task.Factory.StartNew(() => consumer.Commit(offsets), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Processed offsets of assigned partitions that moved since their last commit.</summary>
    private List<TopicPartitionOffset> Committable(IEnumerable<TopicPartition> candidates)
    {
        var offsets = new List<TopicPartitionOffset>();
        foreach (var partition in candidates)
        {
            if (partitions.Contains(partition) && processed.TryGet(partition, out var next)
                && (!_committed.TryGetValue(partition, out var committed) || next > committed))
            {
                offsets.Add(new TopicPartitionOffset(partition, new Offset(next)));
            }
        }

        return offsets;
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

        KafkaMetrics.CommitFailures.Add(1, new KeyValuePair<string, object?>("group", settings.GroupId), new KeyValuePair<string, object?>("error", code.ToString()));
        if (RetriableCommitErrors.Contains(code))
        {
            log.Warning("Kafka source advisory commit failed ({0}); retrying", code);
            _nextCommitAt = now + PollClock.Ticks(time, _options.CommitRetryBackoff);
            return CommitOutcome.Retriable;
        }

        log.Warning("Kafka source advisory commit failed ({0}: {1}); not retriable, the next interval commits anew", code, failure.Message);
        return CommitOutcome.Failed;
    }
}
