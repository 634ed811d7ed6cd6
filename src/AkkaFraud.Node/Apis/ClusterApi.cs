using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Live;

namespace AkkaFraud.Node.Apis;

internal static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cluster/members", (LiveClients live) => TypedResults.Ok(live.Members))
            .WithName("GetClusterMembers")
            .WithTags("Cluster")
            .WithSummary("The cluster's members with status, roles, reachability, leader and oldest (as this node sees them).");
        // Anything else under /api is a mistake, not a dashboard route.
        app.MapFallback("/api/{**path}", (HttpRequest request) => TypedResults.NotFound(
                new ErrorResponse($"There is no endpoint {request.Method} {request.Path}: the API is described at /openapi/v1.json.")))
            .ExcludeFromDescription();
        return app;
    }
}
