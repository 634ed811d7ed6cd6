using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Security;
using AkkaFraud.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AkkaFraud.Node.Apis;

internal static class StatsApi
{
    public static readonly TimeSpan MaxRollupSpan = TimeSpan.FromDays(7);

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/totals", async (IWarehouseQueries store, CancellationToken cancellationToken) =>
                TypedResults.Ok(TotalsDto.From(await store.GetTotalsAsync(cancellationToken))))
            .WithName("GetTotals")
            .WithTags("Statistics")
            .WithSummary("All-time totals of the warehouse.")
            .RequireRole(Role.Viewer);
        app.MapGet("/api/rollups", GetRollupsAsync)
            .WithName("GetRollups")
            .WithTags("Statistics")
            .WithSummary("Per-minute rollups (transactions by event-time minute, dead letters by minute received); default the last 60 minutes.")
            .RequireRole(Role.Viewer);
        return app;
    }

    internal static async Task<Results<Ok<RollupDto[]>, BadRequest<ErrorResponse>>> GetRollupsAsync(
        string? from, string? to, IWarehouseQueries store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!Query.TryTime(from, nameof(from), out var fromTime, out var error) || !Query.TryTime(to, nameof(to), out var toTime, out error))
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        var end = toTime ?? clock.GetUtcNow();
        var start = fromTime ?? end - TimeSpan.FromMinutes(60);
        if (start >= end)
        {
            return TypedResults.BadRequest(new ErrorResponse("'from' must be before 'to' (from is inclusive, to exclusive; default: the last 60 minutes)."));
        }

        if (end - start > MaxRollupSpan)
        {
            return TypedResults.BadRequest(new ErrorResponse($"The range is longer than {MaxRollupSpan.TotalDays:0} days: ask for a shorter one, page by page."));
        }

        var rollups = await store.GetMinuteRollupsAsync(start, end, cancellationToken);
        return TypedResults.Ok(rollups.Select(RollupDto.From).ToArray());
    }
}
