using Microsoft.AspNetCore.SignalR;

namespace AkkaFraud.Node.Live;

/// <summary>
/// <c>/hubs/live</c>: server-to-client only. "alerts" (AlertDto[]), "metrics" (MetricsSnapshot), "membership" (MemberDto[]).
/// Mutations go through the HTTP API with the admin token.
/// </summary>
internal sealed class LiveHub(LiveClients clients) : Hub
{
    public const string Path = "/hubs/live";

    public override Task OnConnectedAsync()
    {
        clients.Add(Context.ConnectionId);
        return base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await clients.RemoveAsync(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }
}
