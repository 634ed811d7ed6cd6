using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Live;
using AkkaFraud.Node.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaFraud.Node.Tests;

public sealed class Live_client_outbox
{
    private static AlertDto Alert(int i) => new($"alert:t-{i}", $"t-{i}", "a-1", DateTimeOffset.UnixEpoch, 1, "EUR", null, "DE", "pos", 60, "review", [], DateTimeOffset.UnixEpoch);

    private static MetricsSnapshot Snapshot(int i) => new(DateTimeOffset.UnixEpoch.AddSeconds(i), 1, i, i, 0, 0, 0, null, null, 0, new MetricsTotalsDto(i, 0, 0), [], [], 0);

    [Fact]
    public async Task A_client_whose_send_never_returns_keeps_at_most_its_capacity_and_loses_the_oldest()
    {
        var inFlight = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        await using var client = new LiveClient("c", alertCapacity: 100, maxAlertPushesPerSecond: 10, (method, payload, _) =>
        {
            inFlight.TrySetResult(payload);
            return never.Task;
        }, TimeProvider.System, NullLogger.Instance);

        client.Enqueue(Alert(0));
        var first = (AlertDto[])await inFlight.Task.WaitAsync(TimeSpan.FromMinutes(1));
        for (var i = 1; i <= 10_000; i++)
        {
            client.Enqueue(Alert(i)); // returns at once although the writer is stuck
        }

        Assert.Equal([Alert(0)], first);
        Assert.Equal(100, client.QueuedAlerts);
        Assert.Equal(100, client.PeakQueuedAlerts);
        Assert.Equal(10_000 - 100, client.DroppedAlerts);
        never.SetResult();
    }

    [Fact]
    public async Task Alerts_leave_in_batches_in_order_and_metrics_only_as_the_newest()
    {
        var sent = new List<(string Method, object Payload)>();
        var gate = new SemaphoreSlim(0);
        var entered = new SemaphoreSlim(0);
        await using var client = new LiveClient("c", alertCapacity: 10_000, maxAlertPushesPerSecond: 1000, async (method, payload, token) =>
        {
            lock (sent)
            {
                sent.Add((method, payload));
            }

            entered.Release();
            await gate.WaitAsync(token);
        }, TimeProvider.System, NullLogger.Instance);

        client.Publish(Snapshot(0));
        Assert.True(await entered.WaitAsync(TimeSpan.FromMinutes(1)));
        // While the writer is busy: three snapshots (only the newest may go) and 1,200 alerts (batches of at most 500).
        client.Publish(Snapshot(1));
        client.Publish(Snapshot(2));
        client.Publish(Snapshot(3));
        for (var i = 0; i < 1_200; i++)
        {
            client.Enqueue(Alert(i));
        }

        gate.Release(100);
        await Eventually.TrueAsync(() => Task.FromResult(client.SentAlerts == 1_200), TimeSpan.FromMinutes(1), "every alert sent");

        List<(string Method, object Payload)> log;
        lock (sent)
        {
            log = [.. sent];
        }

        Assert.Equal([Snapshot(0), Snapshot(3)], log.Where(e => e.Method == "metrics").Select(e => (MetricsSnapshot)e.Payload));
        var batches = log.Where(e => e.Method == "alerts").Select(e => (AlertDto[])e.Payload).ToList();
        Assert.All(batches, b => Assert.InRange(b.Length, 1, LiveClient.MaxAlertsPerPush));
        Assert.Equal(Enumerable.Range(0, 1_200).Select(Alert), batches.SelectMany(b => b));
        Assert.Equal(0, client.DroppedAlerts);
    }
}
