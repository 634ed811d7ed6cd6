namespace AkkaFraud.Node.Hosting;

/// <summary>The live feed's settings (section <c>Live</c>).</summary>
internal sealed record LiveSettings
{
    /// <summary>Alerts buffered per SignalR connection; a client that falls further behind loses the oldest.</summary>
    public int AlertBufferPerClient { get; init; } = 1000;

    /// <summary>At most this many alert pushes per second per client (alerts in between are batched).</summary>
    public int MaxAlertPushesPerSecond { get; init; } = 10;

    /// <summary>
    /// A client whose connection accepts no bytes for this long is disconnected, so a dead or stalled browser does
    /// not hold a socket and its outbox forever (SignalR's transport send timeout; the dashboard reconnects itself).
    /// </summary>
    public int StalledClientTimeoutSeconds { get; init; } = 10;
}
