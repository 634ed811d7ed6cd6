using Akka.Actor;
using Akka.Hosting;
using AkkaFraud.Cluster;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Security;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AkkaFraud.Node.Apis;

internal static class AccountsApi
{
    /// <summary>How long the account's actor may take to answer; without an answer the summary is null.</summary>
    public static readonly TimeSpan SummaryTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/accounts/{id}", GetAccountAsync)
            .WithName("GetAccount")
            .WithTags("Accounts")
            .WithSummary("An account's recent transactions (newest first) and what its account actor knows.")
            .RequireRole(Role.Viewer);
        return app;
    }

    internal static async Task<Results<Ok<AccountDto>, BadRequest<ErrorResponse>>> GetAccountAsync(
        string id, string? limit, IWarehouseQueries store, IRequiredActor<AccountRegion> region, FraudSettings fraud, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        if (!Query.IsId(id))
        {
            return TypedResults.BadRequest(new ErrorResponse(Query.IdRule("id")));
        }

        if (!Query.TryInt(limit, nameof(limit), 50, 1, 1000, out var count, out var error))
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        var history = await store.GetAccountHistoryAsync(id, count, cancellationToken);
        AccountSummaryDto? summary = null;
        try
        {
            var reply = await region.ActorRef.Ask<AccountSummary>(
                new GetAccountSummary(id, KafkaPartitioner.PartitionFor(id, fraud.Partitions)), SummaryTimeout, cancellationToken);
            summary = AccountSummaryDto.From(reply);
        }
        catch (AskTimeoutException)
        {
            var log = logs.CreateLogger(typeof(AccountsApi));
            if (log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation("Account {AccountId} did not answer within {Timeout}; its summary is left out", id, SummaryTimeout);
            }
        }

        return TypedResults.Ok(new AccountDto(id, [.. history.Select(TransactionDto.From)], summary));
    }
}
