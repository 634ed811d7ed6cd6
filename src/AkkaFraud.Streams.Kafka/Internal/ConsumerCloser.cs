using Akka.Event;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>Closes the consumer: leaves the group, so its partitions move at once. Poll thread only, last of all.</summary>
internal sealed class ConsumerCloser(TimeProvider time, ILoggingAdapter log)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SettleSlice = TimeSpan.FromMilliseconds(50);

    public void Close(IConsumer<byte[]?, byte[]?> consumer)
    {
        SettleAssignment(consumer);
        LeaveGroup(consumer);
        try
        {
            // Nothing is assigned or in flight any more: this only ends the consumer's group handle.
            consumer.Close();
            log.Info("Kafka source closed its consumer");
        }
        catch (Exception e)
        {
            log.Warning("Kafka source could not close its consumer cleanly: {0}", e.Message);
        }
    }

    /// <summary>Serves the consumer's callbacks for <paramref name="timeout"/>; a consume error is of no interest any more.</summary>
    public static void ConsumeQuietly(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout, ILoggingAdapter log)
    {
        try
        {
            // Paused or stopped: nothing is delivered, only callbacks are served.
            consumer.Consume(timeout);
        }
        catch (ConsumeException e)
        {
            log.Debug("Kafka source ignored a consume error while shutting down: {0}", e.Error.Reason);
        }
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
        var deadline = time.GetTimestamp() + PollClock.Ticks(time, SettleTimeout);
        while (time.GetTimestamp() < deadline && HasUnsettledPartition(consumer))
        {
            ConsumeQuietly(consumer, SettleSlice, log);
        }
    }

    /// <summary>
    /// Leaves the group before closing: unsubscribing revokes the assignment through OnRevoked (listeners hear it) and
    /// sends LeaveGroup, so partitions move now. Then the consumer is served until nothing is assigned, and a little
    /// longer, while librdkafka stops the revoked partitions' fetchers: the same assert in rd_kafka_cgrp_terminated
    /// fired once in CI when a SIGTERM closed a consumer in the middle of a cooperative rebalance.
    /// </summary>
    private void LeaveGroup(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            consumer.Unsubscribe();
        }
        catch (KafkaException e)
        {
            log.Warning("Kafka source could not leave its group before closing: {0}", e.Message);
            return;
        }

        var deadline = time.GetTimestamp() + PollClock.Ticks(time, SettleTimeout);
        while (time.GetTimestamp() < deadline && HasAssignment(consumer))
        {
            ConsumeQuietly(consumer, SettleSlice, log);
        }

        for (var slice = 0; slice < 4; slice++)
        {
            ConsumeQuietly(consumer, SettleSlice, log);
        }
    }

    private static bool HasAssignment(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            return consumer.Assignment.Count > 0;
        }
        catch (KafkaException)
        {
            return false;
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
}
