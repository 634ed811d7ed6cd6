using System.Text.Json;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Node.Management;
using AkkaFraud.Node.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AkkaFraud.Node.Apis;

/// <summary>
/// The cluster management API, shaped like Akka Management's Cluster HTTP API (members, leave and down, shard
/// regions) plus what this system adds (every node's work, the Kafka partitions). Reads need the viewer role,
/// leave and down the operator role.
/// </summary>
internal static class ClusterApi
{
    private const string OperationExample = "operation=Leave (a form field) or {\"operation\": \"Down\"}";

    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        var cluster = app.MapGroup("/api/cluster").WithTags("Cluster");
        cluster.MapGet("/members", (ClusterManagement management, CancellationToken ct) => management.MembersAsync(ct))
            .WithName("GetClusterMembers")
            .WithSummary("Every member with status, roles, age rank and reachability; the unreachable with their observers; leader, oldest, oldest per role.")
            .RequireRole(Role.Viewer);
        cluster.MapGet("/members/{**address}", GetMemberAsync)
            .WithName("GetClusterMember")
            .WithSummary("One member, by address (akka.tcp://akkafraud@host:port, the prefix optional).")
            .RequireRole(Role.Viewer);
        cluster.MapPut("/members/{**address}", ChangeMemberAsync)
            .WithName("ChangeClusterMember")
            .WithSummary("operation=Leave (hands its partitions and shards over, then the node exits) or operation=Down (removes a crashed or frozen node at once). Needs the operator role.")
            .RequireRole(Role.Operator);
        cluster.MapDelete("/members/{**address}", (string address, ClusterManagement management) => Leave(address, management))
            .WithName("LeaveClusterMember")
            .WithSummary("The member leaves the cluster, like PUT with operation=Leave. Needs the operator role.")
            .RequireRole(Role.Operator);
        cluster.MapGet("/shards/{region}", GetShardsAsync)
            .WithName("GetShardRegions")
            .WithSummary("The shards of a region (\"account\") on every scorer node, with their entity counts.")
            .RequireRole(Role.Viewer);
        cluster.MapGet("/nodes", (ClusterManagement management, CancellationToken ct) => management.NodesAsync(ct))
            .WithName("GetClusterNodes")
            .WithSummary("Each member's work: pipeline state, partitions, shards, entities, transactions per second, batch write time.")
            .RequireRole(Role.Viewer);
        cluster.MapGet("/partitions", (ClusterManagement management, NodeSettings settings, CancellationToken ct) => management.PartitionsAsync(settings.Kafka.TransactionsTopic, ct))
            .WithName("GetClusterPartitions")
            .WithSummary("Each partition of the transactions topic: owner, stored offset, high watermark, lag, last commit time, records per second.")
            .RequireRole(Role.Viewer);
        cluster.MapGet("/events", GetEvents)
            .WithName("GetClusterEvents")
            .WithSummary("Server-sent events: the cluster's domain events and partition moves, the current state first; ?type=MemberUp,PartitionMoved filters.")
            .RequireRole(Role.Viewer);

        // Anything else under /api is a mistake, not a dashboard route.
        app.MapFallback("/api/{**path}", (HttpRequest request) => TypedResults.NotFound(
                new ErrorResponse($"There is no endpoint {request.Method} {request.Path}: the API is described at /openapi/v1.json.")))
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }

    internal static async Task<Results<Ok<ClusterMemberDto>, NotFound<ErrorResponse>>> GetMemberAsync(
        string address, ClusterManagement management, CancellationToken cancellationToken)
    {
        if (management.Find(Normalize(address)) is not { } member)
        {
            return NotAMember(address);
        }

        var members = await management.MembersAsync(cancellationToken);
        return members.Members.FirstOrDefault(m => m.Node == member.Address.ToString()) is { } found ? TypedResults.Ok(found) : NotAMember(address);
    }

    internal static async Task<Results<Ok<MemberOperationDto>, BadRequest<ErrorResponse>, NotFound<ErrorResponse>>> ChangeMemberAsync(
        string address, HttpRequest request, ClusterManagement management, CancellationToken cancellationToken)
    {
        var (operation, error) = await ReadOperationAsync(request, cancellationToken);
        if (error is not null)
        {
            return TypedResults.BadRequest(new ErrorResponse(error));
        }

        if (management.Find(Normalize(address)) is not { } member)
        {
            return NotAMember(address);
        }

        switch (operation!.ToUpperInvariant())
        {
            case "LEAVE":
                return Leave(address, management);
            case "DOWN":
                management.Down(member);
                return TypedResults.Ok(new MemberOperationDto($"Downing {member.Address}"));
            default:
                return TypedResults.BadRequest(new ErrorResponse($"'operation' is \"{operation}\": it must be Leave or Down, e.g. {OperationExample}."));
        }
    }

    private static Results<Ok<MemberOperationDto>, BadRequest<ErrorResponse>, NotFound<ErrorResponse>> Leave(string address, ClusterManagement management)
    {
        if (management.Find(Normalize(address)) is not { } member)
        {
            return NotAMember(address);
        }

        management.Leave(member);
        return TypedResults.Ok(new MemberOperationDto($"Leaving {member.Address}"));
    }

    internal static async Task<Results<Ok<ShardRegionsDto>, NotFound<ErrorResponse>>> GetShardsAsync(
        string region, ClusterManagement management, CancellationToken cancellationToken) =>
        ClusterManagement.Regions.Contains(region, StringComparer.Ordinal)
            ? TypedResults.Ok(await management.ShardsAsync(cancellationToken))
            : TypedResults.NotFound(new ErrorResponse($"There is no shard region '{region}': the regions are {string.Join(", ", ClusterManagement.Regions)}."));

    internal static Results<ServerSentEventsResult<ClusterEventDto>, BadRequest<ErrorResponse>> GetEvents(
        string[]? type, ClusterEventFeed feed, CancellationToken cancellationToken)
    {
        var wanted = (type ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var unknown = wanted.Where(t => !ClusterEventFeed.Types.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            return TypedResults.BadRequest(new ErrorResponse($"Unknown event type(s) {string.Join(", ", unknown)}: 'type' takes {string.Join(", ", ClusterEventFeed.Types)} (comma-separated or repeated; omit it for all)."));
        }

        var types = (wanted.Count == 0 ? ClusterEventFeed.Types : ClusterEventFeed.Types.Where(t => wanted.Contains(t, StringComparer.OrdinalIgnoreCase))).ToHashSet(StringComparer.Ordinal);
        return TypedResults.ServerSentEvents(Items(feed.ListenAsync(types, cancellationToken), cancellationToken));
    }

    private static async IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<ClusterEventDto>> Items(
        IAsyncEnumerable<ClusterEventDto> events, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            yield return new System.Net.ServerSentEvents.SseItem<ClusterEventDto>(e, e.Type);
        }
    }

    /// <summary>
    /// The address as the client meant it: URL-escaped or not, and with the "//" of the scheme kept even where a proxy
    /// or client merged the slashes of the path.
    /// </summary>
    private static string Normalize(string address)
    {
        var unescaped = Uri.UnescapeDataString(address);
        var scheme = unescaped.IndexOf(":/", StringComparison.Ordinal);
        return scheme > 0 && !unescaped.AsSpan(scheme).StartsWith("://") ? unescaped.Insert(scheme + 1, "/") : unescaped;
    }

    private static NotFound<ErrorResponse> NotAMember(string address) => TypedResults.NotFound(new ErrorResponse(
        $"'{Uri.UnescapeDataString(address)}' is not a member of this cluster: GET /api/cluster/members lists the members' addresses (akka.tcp://akkafraud@host:port)."));

    private static async Task<(string? Operation, string? Error)> ReadOperationAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? operation = null;
        if (request.HasFormContentType)
        {
            operation = (await request.ReadFormAsync(cancellationToken))["operation"].FirstOrDefault();
        }
        else if (request.HasJsonContentType())
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                operation = body.RootElement.ValueKind == JsonValueKind.Object
                    && body.RootElement.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, "operation", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } property
                    ? property.Value.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return (null, $"The body is not valid JSON: send {OperationExample}.");
            }
        }

        return string.IsNullOrWhiteSpace(operation) ? (null, $"Say what to do with the member: send {OperationExample}.") : (operation, null);
    }
}
