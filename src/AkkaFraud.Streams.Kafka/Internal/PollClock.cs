namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>Deadlines and waits of the poll thread on a <see cref="TimeProvider"/>'s timestamps, so tests can steer them.</summary>
internal static class PollClock
{
    /// <summary><paramref name="span"/> in timestamp ticks of <paramref name="time"/>.</summary>
    public static long Ticks(TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>What is left until <paramref name="deadline"/> (a timestamp), never negative.</summary>
    public static TimeSpan Remaining(TimeProvider time, long deadline) =>
        TimeSpan.FromTicks(Math.Max(0, time.GetElapsedTime(time.GetTimestamp(), deadline).Ticks));

    /// <summary>Blocks the calling (poll) thread for <paramref name="span"/> of <paramref name="time"/>.</summary>
    public static void Sleep(TimeProvider time, TimeSpan span) => Task.Delay(span, time).GetAwaiter().GetResult();
}
