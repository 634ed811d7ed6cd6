using System.Diagnostics;
using System.Text.Json;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Security;
using AkkaFraud.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AkkaFraud.Node.Apis;

/// <summary>
/// Backtests of a rule set over the warehouse's stored transactions: "what would this rule
/// set have flagged last hour?" with the same engine as the account actors.
/// </summary>
internal static class BacktestApi
{
    /// <summary>How far before <c>from</c> a backtest may build account state.</summary>
    public static readonly TimeSpan MaxWarmUp = TimeSpan.FromDays(7);

    private const string Example = """{"rules": <the rule set JSON of GET /api/rules>, "from": "2026-12-01T08:00:00Z", "to": "2026-12-01T09:00:00Z"}""";

    public static IServiceCollection AddStoredBacktests(this IServiceCollection services) => services.AddSingleton<StoredBacktests>();

    public static IEndpointRouteBuilder MapBacktestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/backtests", RunAsync)
            .WithName("RunBacktest")
            .WithTags("Rules")
            .WithSummary($"Replays the stored transactions of a time range through a rule set, with the engine of the account actors, beside the rule set in force (or 'against'); at most {StoredBacktests.MaxTransactions:N0} transactions, warm-up included, one backtest at a time per node. Needs the analyst role.")
            .Accepts<BacktestRequest>("application/json")
            .RequireRole(Role.Analyst);
        return app;
    }

    internal static async Task<Results<Ok<BacktestResultDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>>> RunAsync(
        HttpRequest request, StoredBacktests backtests, RuleSetSource inForce, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<BacktestRequest>(request, json.Value.SerializerOptions, Example, cancellationToken);
        if (body is null)
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        if (body.From is not { } from || body.To is not { } to || from >= to)
        {
            return TypedResults.BadRequest(new ErrorResponse($"'from' and 'to' must be times with from before to (from inclusive, to exclusive), e.g. {Example}."));
        }

        if (!TryRuleSet(body.Rules, "rules", out var ruleSet, out error) || !TryRuleSet(body.Against, "against", out var against, out error))
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        if (ruleSet is null)
        {
            return TypedResults.BadRequest(new ErrorResponse($"'rules' is missing: send the rule set to measure, e.g. {Example}."));
        }

        against ??= inForce.Current;
        var horizon = TimeSpan.FromMilliseconds(Math.Max(ruleSet.HorizonMs, against.HorizonMs));
        if (body.WarmUpMinutes is { } minutes && (minutes < 0 || TimeSpan.FromMinutes(minutes) > MaxWarmUp))
        {
            return TypedResults.BadRequest(new ErrorResponse($"'warmUpMinutes' must be 0 to {MaxWarmUp.TotalMinutes:0} (default {Math.Ceiling(horizon.TotalMinutes):0}, the rule sets' horizon)."));
        }

        var warmUp = body.WarmUpMinutes is { } m ? TimeSpan.FromMinutes(m) : horizon;
        var outcome = await backtests.RunAsync(ruleSet, against, from, to, from - warmUp, cancellationToken);
        return outcome.Result is { } result
            ? TypedResults.Ok(result)
            : outcome.Busy ? TypedResults.Conflict(new ErrorResponse(outcome.Error!)) : TypedResults.BadRequest(new ErrorResponse(outcome.Error!));
    }

    private static bool TryRuleSet(JsonElement? element, string name, out RuleSet? ruleSet, out string? error)
    {
        (ruleSet, error) = (null, null);
        if (element is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } document)
        {
            return true;
        }

        try
        {
            ruleSet = RuleSet.FromJson(document.GetRawText());
            return true;
        }
        catch (FormatException e)
        {
            error = $"'{name}': {e.Message}";
            return false;
        }
    }
}

/// <summary>
/// Runs backtests over the warehouse, one at a time on this node: each holds every replayed account's state (a few
/// kilobytes each) and one core while it runs, so a second waits its turn as a 409 rather than doubling both.
/// </summary>
internal sealed class StoredBacktests(IWarehouseQueries store) : IDisposable
{
    /// <summary>The most transactions (warm-up included) one backtest reads: about a gigabyte of account state at most.</summary>
    public const int MaxTransactions = 2_000_000;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public sealed record Outcome(BacktestResultDto? Result, string? Error, bool Busy);

    public async Task<Outcome> RunAsync(
        RuleSet ruleSet, RuleSet against, DateTimeOffset from, DateTimeOffset to, DateTimeOffset warmUpFrom, CancellationToken cancellationToken)
    {
        if (!await _oneAtATime.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return new Outcome(null, "A backtest is already running on this node: wait for its answer, then try again.", Busy: true);
        }

        try
        {
            var started = Stopwatch.StartNew();
            var backtest = new Backtester(ruleSet, against);
            long read = 0, warmUp = 0, recordedFlagged = 0;
            await foreach (var row in store.ReadTimeRangeAsync(warmUpFrom, to, cancellationToken))
            {
                if (++read > MaxTransactions)
                {
                    return new Outcome(null,
                        $"The range from {warmUpFrom:O} (warm-up included) to {to:O} holds more than {MaxTransactions:N0} stored transactions: ask for a shorter one.", Busy: false);
                }

                var isWarmUp = row.Transaction.EventTime < from;
                warmUp += isWarmUp ? 1 : 0;
                recordedFlagged += !isWarmUp && row.Verdict.Flagged && !row.Verdict.IsDuplicate ? 1 : 0;
                backtest.Add(new BacktestRecord(row.Transaction, null, Labelled: false, WarmUp: isWarmUp));
            }

            return new Outcome(BacktestResultDto.Of(backtest.Report(), from, to, warmUpFrom, warmUp, recordedFlagged, started.Elapsed), null, Busy: false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();
}
