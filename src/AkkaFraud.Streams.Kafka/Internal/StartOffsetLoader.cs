using Akka.Event;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// Asks the offset store where newly assigned partitions start, retrying failures with backoff until
/// <see cref="KafkaConsumerSettings.OffsetStoreTimeout"/>; then the stream fails. Runs inside the assignment callback,
/// on the poll thread.
/// </summary>
internal sealed class StartOffsetLoader(
    KafkaConsumerSettings options, IKafkaOffsetStore offsetStore, Func<bool> shutdownRequested, TimeProvider time, ILoggingAdapter log)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public IReadOnlyDictionary<TopicPartition, long> Load(List<TopicPartition> partitions)
    {
        var deadline = time.GetTimestamp() + PollClock.Ticks(time, options.OffsetStoreTimeout);
        var backoff = FirstBackoff;
        IReadOnlyDictionary<TopicPartition, long> offsets;
        while (true)
        {
            try
            {
                var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
                using var timeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time);
                offsets = offsetStore.GetStartOffsetsAsync(partitions, timeout.Token).GetAwaiter().GetResult()
                    ?? throw new InvalidOperationException("The offset store returned null instead of a dictionary.");
                break;
            }
            catch (Exception e) when (!shutdownRequested() && time.GetTimestamp() + PollClock.Ticks(time, backoff) < deadline)
            {
                log.Warning("Offset store failed to return start offsets ({0}); retrying in {1} ms", e.Message, backoff.TotalMilliseconds);
                PollClock.Sleep(time, backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (Exception e)
            {
                throw new KafkaOffsetStoreException(
                    $"The offset store gave no start offsets for {string.Join(", ", partitions)} within {options.OffsetStoreTimeout}.", e);
            }
        }

        if (offsets.FirstOrDefault(static entry => entry.Value < 0) is { Key: not null } negative)
        {
            throw new KafkaOffsetStoreException($"The offset store returned offset {negative.Value} for {negative.Key}; offsets are never negative.");
        }

        return offsets;
    }
}
