using System.Globalization;
using System.Text.Json;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Node.Security;
using AkkaFraud.Node.Simulation;
using AkkaFraud.Simulator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AkkaFraud.Node.Apis;

internal static class SimulatorApi
{
    private const string NoSimulator = "This node runs no simulator (it does in embedded mode, or with Simulator__Enabled=true).";

    public static IEndpointRouteBuilder MapSimulatorApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/simulator", (IServiceProvider services) =>
                services.GetService<SimulatedTraffic>() is { } traffic
                    ? Results.Ok(traffic.Status)
                    : Results.NotFound(new ErrorResponse(NoSimulator)))
            .WithName("GetSimulator")
            .WithTags("Simulator")
            .WithSummary("Whether the simulator runs, its mean rate and how many records it produced.")
            .Produces<SimulatorStatusDto>()
            .Produces<ErrorResponse>(StatusCodes.Status404NotFound)
            .RequireRole(Role.Viewer);
        app.MapPut("/api/simulator/rate", SetRateAsync)
            .WithName("SetSimulatorRate")
            .WithTags("Simulator")
            .WithSummary("Sets the simulator's mean rate in transactions per second (0 pauses). Needs the operator role.")
            .Accepts<SetRateRequest>("application/json")
            .RequireRole(Role.Operator);
        app.MapPost("/api/simulator/inject", InjectAsync)
            .WithName("InjectFraud")
            .WithTags("Simulator")
            .WithSummary("Starts a fraud incident on an account (random when not given) and returns the ids of its transactions produced so far. Needs the operator role.")
            .Accepts<InjectRequest>("application/json")
            .RequireRole(Role.Operator);
        return app;
    }

    internal static async Task<Results<Ok<SimulatorStatusDto>, BadRequest<ErrorResponse>, NotFound<ErrorResponse>>> SetRateAsync(
        HttpRequest request, IServiceProvider services, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (services.GetService<SimulatedTraffic>() is not { } traffic)
        {
            return TypedResults.NotFound(new ErrorResponse(NoSimulator));
        }

        var (body, error) = await JsonBody.ReadAsync<SetRateRequest>(request, json.Value.SerializerOptions, """{"transactionsPerSecond": 500}""", cancellationToken);
        if (body?.TransactionsPerSecond is not { } rate || !double.IsFinite(rate) || rate < 0 || rate > SimulatorSettings.MaxTransactionsPerSecond)
        {
            return TypedResults.BadRequest(new ErrorResponse(error ??
                $"'transactionsPerSecond' must be a number from 0 (pause) to {SimulatorSettings.MaxTransactionsPerSecond.ToString(CultureInfo.InvariantCulture)}, e.g. {{\"transactionsPerSecond\": 500}}."));
        }

        await traffic.SetRateAsync(rate, cancellationToken);
        return TypedResults.Ok(traffic.Status);
    }

    internal static async Task<Results<Ok<InjectResponse>, BadRequest<ErrorResponse>, NotFound<ErrorResponse>, Conflict<ErrorResponse>>> InjectAsync(
        HttpRequest request, IServiceProvider services, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (services.GetService<SimulatedTraffic>() is not { } traffic)
        {
            return TypedResults.NotFound(new ErrorResponse(NoSimulator));
        }

        var codes = string.Join(", ", FraudScenarios.All.Select(s => s.ToCode()));
        var (body, error) = await JsonBody.ReadAsync<InjectRequest>(request, json.Value.SerializerOptions, """{"scenario": "large-amount", "accountId": null}""", cancellationToken);
        if (error is not null)
        {
            return TypedResults.BadRequest(new ErrorResponse(error));
        }

        var scenario = FraudScenarios.All.Where(s => s.ToCode() == body?.Scenario).Cast<FraudScenario?>().FirstOrDefault();
        if (scenario is null)
        {
            return TypedResults.BadRequest(new ErrorResponse($"'scenario' must be one of {codes}."));
        }

        if (body!.AccountId is { } account && !Query.IsId(account))
        {
            return TypedResults.BadRequest(new ErrorResponse(Query.IdRule("accountId")));
        }

        try
        {
            return TypedResults.Ok(await traffic.InjectAsync(scenario.Value, body.AccountId, cancellationToken));
        }
        catch (ArgumentException)
        {
            return TypedResults.BadRequest(new ErrorResponse(
                $"'{body.AccountId}' is not one of the simulator's accounts: omit accountId to pick one at random, or use an accountId of a simulated transaction."));
        }
        catch (SimulatorUnavailableException e)
        {
            return TypedResults.Conflict(new ErrorResponse($"Cannot inject now: {e.Message}."));
        }
    }
}
