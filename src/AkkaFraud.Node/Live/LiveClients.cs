using System.Collections.Concurrent;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace AkkaFraud.Node.Live;

/// <summary>
/// The SignalR connections of this web node and their outboxes. Broadcasting only enqueues (never awaits a client),
/// so it is safe on the actor and pubsub paths. Keeps the latest member list and metrics for clients that connect later.
/// </summary>
internal sealed class LiveClients(IHubContext<LiveHub> hub, NodeSettings settings, TimeProvider clock, ILogger<LiveClients> log)
{
    private readonly ConcurrentDictionary<string, LiveClient> _clients = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<MemberDto> _members = [];
    private volatile MetricsSnapshot? _metrics;

    public IReadOnlyList<MemberDto> Members => _members;

    public MetricsSnapshot? LatestMetrics => _metrics;

    public IReadOnlyCollection<LiveClient> Connected => [.. _clients.Values];

    public LiveClient? Find(string connectionId) => _clients.GetValueOrDefault(connectionId);

    public void Add(string connectionId)
    {
        var client = new LiveClient(
            connectionId,
            settings.Live.AlertBufferPerClient,
            settings.Live.MaxAlertPushesPerSecond,
            (method, payload, token) => hub.Clients.Client(connectionId).SendAsync(method, payload, token),
            clock,
            log);
        _clients[connectionId] = client;
        client.Publish(_members);
        if (_metrics is { } metrics)
        {
            client.Publish(metrics);
        }
    }

    public async Task RemoveAsync(string connectionId)
    {
        if (_clients.TryRemove(connectionId, out var client))
        {
            if (client.DroppedAlerts > 0 && log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation("Live client {ConnectionId} left; it had fallen behind and lost {Dropped} of {Total} alerts",
                    connectionId, client.DroppedAlerts, client.DroppedAlerts + client.SentAlerts);
            }

            await client.DisposeAsync();
        }
    }

    public void Broadcast(AlertDto alert)
    {
        foreach (var client in _clients.Values)
        {
            client.Enqueue(alert);
        }
    }

    public void Broadcast(MetricsSnapshot snapshot)
    {
        _metrics = snapshot;
        foreach (var client in _clients.Values)
        {
            client.Publish(snapshot);
        }
    }

    public void Broadcast(IReadOnlyList<MemberDto> members)
    {
        _members = members;
        foreach (var client in _clients.Values)
        {
            client.Publish(members);
        }
    }
}
