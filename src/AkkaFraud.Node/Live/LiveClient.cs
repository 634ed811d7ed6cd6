using System.Threading.Channels;
using AkkaFraud.Node.Contracts;

namespace AkkaFraud.Node.Live;

/// <summary>
/// One SignalR connection's outbox. Producers (the pubsub actor, the metrics tick) only ever <c>TryWrite</c> into
/// bounded channels and return at once; a writer loop of this connection alone awaits the sends. A client that reads
/// slowly or not at all therefore only loses its own oldest alerts (<see cref="DroppedAlerts"/>) and sees only the
/// newest metrics and member list: it never slows the pipeline or the other clients. Alerts leave in batches, at most
/// <c>maxAlertPushesPerSecond</c> times a second.
/// </summary>
internal sealed class LiveClient : IAsyncDisposable
{
    public const int MaxAlertsPerPush = 500;

    private readonly Channel<AlertDto> _alerts;
    private readonly Channel<MetricsSnapshot> _metrics = NewestOnly<MetricsSnapshot>();
    private readonly Channel<IReadOnlyList<MemberDto>> _membership = NewestOnly<IReadOnlyList<MemberDto>>();

    // Rung by every enqueue; one pending ring is enough to wake the writer.
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Func<string, object, CancellationToken, Task> _send;
    private readonly TimeSpan _alertPushInterval;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private long _droppedAlerts;
    private long _sentAlerts;
    private long _alertPushes;
    private int _inFlightAlerts;
    private int _peakQueuedAlerts;

    public LiveClient(string connectionId, int alertCapacity, int maxAlertPushesPerSecond, Func<string, object, CancellationToken, Task> send, TimeProvider clock, ILogger log)
    {
        ConnectionId = connectionId;
        AlertCapacity = alertCapacity;
        _alerts = Channel.CreateBounded<AlertDto>(
            new BoundedChannelOptions(alertCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _droppedAlerts));
        _send = send;
        _alertPushInterval = TimeSpan.FromSeconds(1.0 / maxAlertPushesPerSecond);
        _clock = clock;
        _log = log;
        _writer = Task.Run(WriteLoopAsync);
    }

    public string ConnectionId { get; }

    public int AlertCapacity { get; }

    /// <summary>Alerts this client lost because it fell more than <see cref="AlertCapacity"/> behind.</summary>
    public long DroppedAlerts => Interlocked.Read(ref _droppedAlerts);

    public long SentAlerts => Interlocked.Read(ref _sentAlerts);

    public long AlertPushes => Interlocked.Read(ref _alertPushes);

    /// <summary>Alerts of the push being sent now (taken from the queue, not yet sent).</summary>
    public int InFlightAlerts => Volatile.Read(ref _inFlightAlerts);

    /// <summary>Alerts waiting now, and the most that ever waited (never above <see cref="AlertCapacity"/>).</summary>
    public int QueuedAlerts => _alerts.Reader.Count;

    public int PeakQueuedAlerts => Volatile.Read(ref _peakQueuedAlerts);

    public void Enqueue(AlertDto alert)
    {
        _alerts.Writer.TryWrite(alert);
        var queued = _alerts.Reader.Count;
        int peak;
        while (queued > (peak = Volatile.Read(ref _peakQueuedAlerts)) && Interlocked.CompareExchange(ref _peakQueuedAlerts, queued, peak) != peak)
        {
        }

        Ring();
    }

    public void Publish(MetricsSnapshot snapshot)
    {
        _metrics.Writer.TryWrite(snapshot);
        Ring();
    }

    public void Publish(IReadOnlyList<MemberDto> members)
    {
        _membership.Writer.TryWrite(members);
        Ring();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _writer;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private void Ring() => _doorbell.Writer.TryWrite(true);

    private async Task WriteLoopAsync()
    {
        var token = _stop.Token;
        var nextAlertPush = DateTimeOffset.MinValue;
        var batch = new List<AlertDto>(MaxAlertsPerPush);
        try
        {
            while (!token.IsCancellationRequested)
            {
                await _doorbell.Reader.ReadAsync(token);
                while (!token.IsCancellationRequested)
                {
                    var sent = false;
                    if (_membership.Reader.TryRead(out var members))
                    {
                        await SendAsync("membership", members, token);
                        sent = true;
                    }

                    if (_metrics.Reader.TryRead(out var snapshot))
                    {
                        await SendAsync("metrics", snapshot, token);
                        sent = true;
                    }

                    if (_alerts.Reader.Count > 0)
                    {
                        var wait = nextAlertPush - _clock.GetUtcNow();
                        if (wait > TimeSpan.Zero)
                        {
                            // Batch what arrives meanwhile; metrics and members that come in are sent after the wait.
                            await Task.Delay(wait, _clock, token);
                            continue;
                        }

                        batch.Clear();
                        while (batch.Count < MaxAlertsPerPush && _alerts.Reader.TryRead(out var alert))
                        {
                            batch.Add(alert);
                        }

                        nextAlertPush = _clock.GetUtcNow() + _alertPushInterval;
                        Volatile.Write(ref _inFlightAlerts, batch.Count);
                        await SendAsync("alerts", batch.ToArray(), token);
                        Interlocked.Add(ref _sentAlerts, batch.Count);
                        Volatile.Write(ref _inFlightAlerts, 0);
                        Interlocked.Increment(ref _alertPushes);
                        sent = true;
                    }

                    if (!sent)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(string method, object payload, CancellationToken token)
    {
        try
        {
            await _send(method, payload, token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            // The connection is going away; its disconnect disposes this outbox.
            if (_log.IsEnabled(LogLevel.Debug))
            {
                _log.LogDebug("Sending {Method} to connection {ConnectionId} failed: {Error}", method, ConnectionId, e.Message);
            }
        }
    }

    private static Channel<T> NewestOnly<T>() =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
}
