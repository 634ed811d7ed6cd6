using AkkaFraud.Domain;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Security;
using AkkaFraud.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AkkaFraud.Node.Apis;

internal static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts", GetAlertsAsync)
            .WithName("GetAlerts")
            .WithTags("Alerts")
            .WithSummary("Flagged transactions, newest first, filtered by event time, decision, rule and account; pass 'next' as 'after' for the next page.")
            .RequireRole(Role.Viewer);
        app.MapGet("/api/transactions/{id}", GetTransactionAsync)
            .WithName("GetTransaction")
            .WithTags("Transactions")
            .WithSummary("One stored transaction with its verdict and reasons.")
            .RequireRole(Role.Viewer);
        return app;
    }

    internal static async Task<Results<Ok<AlertPageDto>, BadRequest<ErrorResponse>>> GetAlertsAsync(
        string? from, string? to, string? decision, string? rule, string? account, string? limit, string? after, IWarehouseQueries store, CancellationToken cancellationToken)
    {
        if (!Query.TryTime(from, nameof(from), out var fromTime, out var error)
            || !Query.TryTime(to, nameof(to), out var toTime, out error)
            || !Query.TryInt(limit, nameof(limit), 50, 1, AlertQuery.MaxLimit, out var pageSize, out error))
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        if (fromTime >= toTime)
        {
            return TypedResults.BadRequest(new ErrorResponse("'from' must be before 'to' (from is inclusive, to exclusive)."));
        }

        Decision? wanted = null;
        if (!string.IsNullOrEmpty(decision))
        {
            wanted = WireNames.ParseDecision(decision);
            if (wanted is not (Decision.Review or Decision.Block))
            {
                return TypedResults.BadRequest(new ErrorResponse("'decision' must be 'review' or 'block' (alerts are the flagged transactions; omit it for both)."));
            }
        }

        if (!string.IsNullOrEmpty(rule) && !Query.IsId(rule))
        {
            return TypedResults.BadRequest(new ErrorResponse(Query.IdRule(nameof(rule)) + " Rule ids look like 'velocity-burst'."));
        }

        if (!string.IsNullOrEmpty(account) && !Query.IsId(account))
        {
            return TypedResults.BadRequest(new ErrorResponse(Query.IdRule(nameof(account))));
        }

        if (!Query.TryDecodeCursor(after, out AlertCursor? cursor))
        {
            return TypedResults.BadRequest(new ErrorResponse("'after' is not a cursor: pass the 'next' value of the previous page unchanged, or omit it to start at the newest alert."));
        }

        var page = await store.GetAlertsAsync(new AlertQuery
        {
            From = fromTime,
            To = toTime,
            Decision = wanted,
            RuleId = string.IsNullOrEmpty(rule) ? null : rule,
            AccountId = string.IsNullOrEmpty(account) ? null : account,
            Limit = pageSize,
            After = cursor,
        }, cancellationToken);
        return TypedResults.Ok(new AlertPageDto(
            [.. page.Items.Select(TransactionDto.From)],
            page.Next is { } next ? Query.EncodeCursor(next) : null));
    }

    internal static async Task<Results<Ok<TransactionDto>, NotFound<ErrorResponse>, BadRequest<ErrorResponse>>> GetTransactionAsync(
        string id, IWarehouseQueries store, CancellationToken cancellationToken)
    {
        if (!Query.IsId(id))
        {
            return TypedResults.BadRequest(new ErrorResponse(Query.IdRule("id")));
        }

        return await store.GetTransactionAsync(id, cancellationToken) is { } transaction
            ? TypedResults.Ok(TransactionDto.From(transaction))
            : TypedResults.NotFound(new ErrorResponse($"No transaction '{id}' is stored (yet): transactions appear once their batch is committed, invalid records are dead letters, not transactions."));
    }
}
