namespace AkkaFraud.Streams.Kafka.Tests.Support;

/// <summary>
/// Real time that a test can make jump ahead: timestamps and the wall clock run as the system's plus every jump so
/// far. A frozen clock would not do: the source's shutdown waits on deadlines of its clock, and those must pass.
/// Timers and delays stay on real time.
/// </summary>
public sealed class JumpAheadClock : TimeProvider
{
    private long _jumpedTicks;

    public override long GetTimestamp() => System.GetTimestamp() + (long)(Jumped.TotalSeconds * TimestampFrequency);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Jumped;

    public void JumpAhead(TimeSpan span) => Interlocked.Add(ref _jumpedTicks, span.Ticks);

    private TimeSpan Jumped => TimeSpan.FromTicks(Interlocked.Read(ref _jumpedTicks));
}
