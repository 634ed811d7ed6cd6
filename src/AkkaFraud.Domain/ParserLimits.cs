namespace AkkaFraud.Domain;

/// <summary>What the parser accepts. Defaults suit card and account payments; all of it is configuration, not law.</summary>
public sealed record ParserLimits
{
    public static ParserLimits Default { get; } = new();

    /// <summary>Records above this size are dead letters before any parsing (bounds the work a producer can cause).</summary>
    public int MaxRecordBytes { get; init; } = 16 * 1024;

    /// <summary>
    /// The largest amount the warehouse stores exactly (<c>decimal(18,4)</c>); a record beyond it is a dead letter.
    /// Large amounts below it are transactions like any other: the <c>amount-over-limit</c> rule flags them.
    /// </summary>
    public decimal MaxAmount { get; init; } = 99_999_999_999_999.9999m;

    /// <summary>Amounts carry at most this many decimals (state stores amounts as fixed-point).</summary>
    public int MaxAmountDecimals { get; init; } = 4;

    /// <summary>How far an event time may lie ahead of the record's reference time (its Kafka timestamp).</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    public DateTimeOffset MinEventTime { get; init; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int MaxIdLength { get; init; } = 64;

    public int MaxTextLength { get; init; } = 256;
}
