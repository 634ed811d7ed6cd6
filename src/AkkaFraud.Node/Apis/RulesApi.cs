using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Cluster.Rules;
using AkkaFraud.Domain;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AkkaFraud.Node.Apis;

/// <summary>
/// The rule book: the rule set in force, its history, the difference between two versions, and changes (admin), each
/// decided by the cluster's one <see cref="RuleBookActor"/> against the version it was made to (409 when another is in
/// force), validated as a whole (400, nothing applied), recorded with who, when and why, and in force on every node
/// without a restart.
/// </summary>
internal static class RulesApi
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/rules", (RuleSetSource rules) => TypedResults.Text(rules.Current.ToJson(), "application/json"))
            .WithName("GetRules")
            .WithTags("Rules")
            .WithSummary("The rule set in force on this node, as the JSON document PUT /api/rules, a backtest and `akkafraud backtest --rules` take.")
            .Produces<object>(StatusCodes.Status200OK, "application/json")
            .RequireRole(Role.Viewer);
        app.MapPut("/api/rules", ReplaceAsync)
            .WithName("PutRules")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Puts a whole rule set in force. Its 'version' is the version it was edited from, as GET /api/rules gave it: 409 when another is in force. Recorded as the next version, with ?comment=.")
            .Accepts<object>("application/json")
            .RequireRole(Role.Admin);
        app.MapPatch("/api/rules/{id}", PatchAsync)
            .WithName("PatchRule")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Enables or disables one rule ({\"version\": 3, \"enabled\": false}), or adds or replaces it ({\"version\": 3, \"rule\": {...}}), in the version in force.")
            .RequireRole(Role.Admin);
        app.MapDelete("/api/rules/{id}", RemoveAsync)
            .WithName("DeleteRule")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Removes one rule from the version in force (?version=, the optimistic check; ?comment=).")
            .RequireRole(Role.Admin);
        app.MapPost("/api/rules/{id}/snooze", SnoozeAsync)
            .WithName("SnoozeRule")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Snoozes one rule for one account until a time, in event time ({\"version\": 3, \"accountId\": \"acc-1\", \"until\": \"2026-12-02T00:00:00Z\", \"comment\": \"...\"}); without 'until' the snooze ends.")
            .RequireRole(Role.Admin);
        app.MapPost("/api/rules/proposals", ProposeAsync)
            .WithName("ProposeRules")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Proposes a whole rule set (its 'version' the one in force, ?comment=): validated and kept, not in force until activated; dry-run it with POST /api/backtests first.")
            .Accepts<object>("application/json")
            .RequireRole(Role.Admin);
        app.MapGet("/api/rules/proposals", ProposalsAsync)
            .WithName("GetRuleProposals")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Every proposal, newest first, with its rule set and the version it became once activated.")
            .RequireRole(Role.Viewer);
        app.MapPost("/api/rules/proposals/{number:int}/activate", ActivateAsync)
            .WithName("ActivateRuleProposal")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Puts a proposal in force (?comment=), if the version it was made to is still the one in force (409 otherwise).")
            .RequireRole(Role.Admin);
        app.MapGet("/api/rules/history", HistoryAsync)
            .WithName("GetRuleHistory")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Every version of the rule book, newest first: what changed, who, when and why.")
            .RequireRole(Role.Viewer);
        app.MapGet("/api/rules/diff", DiffAsync)
            .WithName("GetRuleDiff")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("What differs from version 'from' (default: the one before 'to') to version 'to' (default: the one in force), rule by rule and setting by setting.")
            .RequireRole(Role.Viewer);
        app.MapPost("/api/rules/rollback", RollBackAsync)
            .WithName("RollBackRules")
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Rules")
            .WithSummary("Puts an earlier version's rule set back in force, as the next version ({\"version\": 7, \"to\": 5, \"comment\": \"...\"}).")
            .RequireRole(Role.Admin);
        return app;
    }

    internal static async Task<Results<Ok<RuleChangeDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> ReplaceAsync(
        HttpContext context, IRequiredActor<RuleBookActor> ruleBook, string? comment, CancellationToken cancellationToken)
    {
        if (await RuleSetBodyAsync(context, cancellationToken) is not { } json)
        {
            return TypedResults.BadRequest(new ErrorResponse(RuleSetBodyWanted));
        }

        return await ChangeAsync(ruleBook, new ChangeRules(RuleBookCommand.Replace, 0, Who(context), comment, Json: json), cancellationToken);
    }

    internal static async Task<Results<Ok<RuleChangeDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> PatchAsync(
        string id, HttpContext context, IRequiredActor<RuleBookActor> ruleBook, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        const string example = """{"version": 3, "enabled": false, "comment": "too many false alarms"}""";
        var (body, error) = await JsonBody.ReadAsync<RulePatchRequest>(context.Request, json.Value.SerializerOptions, example, cancellationToken);
        if (body is null)
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        if (body.Version is not { } version || (body.Enabled is null) == (body.Rule is null))
        {
            return TypedResults.BadRequest(new ErrorResponse($"Give 'version' (the version in force, as GET /api/rules says) and one of 'enabled' or 'rule', e.g. {example}."));
        }

        if (body.Rule is { } rule)
        {
            if (rule.ValueKind != JsonValueKind.Object || !rule.TryGetProperty("id", out var ruleId) || ruleId.GetString() != id)
            {
                return TypedResults.BadRequest(new ErrorResponse($"'rule' must be a rule object whose \"id\" is \"{id}\", the path's."));
            }

            return await ChangeAsync(ruleBook, new ChangeRules(RuleBookCommand.PutRule, version, Who(context), body.Comment, Json: rule.GetRawText()), cancellationToken);
        }

        var command = body.Enabled!.Value ? RuleBookCommand.Enable : RuleBookCommand.Disable;
        return await ChangeAsync(ruleBook, new ChangeRules(command, version, Who(context), body.Comment, RuleId: id), cancellationToken);
    }

    internal static async Task<Results<Ok<RuleChangeDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> RemoveAsync(
        string id, int? version, string? comment, HttpContext context, IRequiredActor<RuleBookActor> ruleBook, CancellationToken cancellationToken) =>
        version is { } expected
            ? await ChangeAsync(ruleBook, new ChangeRules(RuleBookCommand.RemoveRule, expected, Who(context), comment, RuleId: id), cancellationToken)
            : TypedResults.BadRequest(new ErrorResponse($"Give ?version= (the version in force, as GET /api/rules says), e.g. DELETE /api/rules/{id}?version=3&comment=retired."));

    internal static async Task<Results<Ok<RuleChangeDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> RollBackAsync(
        HttpContext context, IRequiredActor<RuleBookActor> ruleBook, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        const string example = """{"version": 7, "to": 5, "comment": "v6 and v7 flag too much"}""";
        var (body, error) = await JsonBody.ReadAsync<RuleRollbackRequest>(context.Request, json.Value.SerializerOptions, example, cancellationToken);
        if (body is null)
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        return body is { Version: { } version, To: { } to }
            ? await ChangeAsync(ruleBook, new ChangeRules(RuleBookCommand.RollBack, version, Who(context), body.Comment, ToVersion: to), cancellationToken)
            : TypedResults.BadRequest(new ErrorResponse($"Give 'version' (the version in force) and 'to' (the version to put back), e.g. {example}."));
    }

    internal static async Task<Results<Ok<RuleChangeDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> SnoozeAsync(
        string id, HttpContext context, IRequiredActor<RuleBookActor> ruleBook, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        const string example = """{"version": 3, "accountId": "acc-000123", "until": "2026-12-02T00:00:00Z", "comment": "known traveller"}""";
        var (body, error) = await JsonBody.ReadAsync<RuleSnoozeRequest>(context.Request, json.Value.SerializerOptions, example, cancellationToken);
        if (body is null)
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        return body is { Version: { } version, AccountId: { Length: > 0 } account }
            ? await ChangeAsync(ruleBook, new ChangeRules(RuleBookCommand.Snooze, version, Who(context), body.Comment, RuleId: id, AccountId: account, Until: body.Until), cancellationToken)
            : TypedResults.BadRequest(new ErrorResponse($"Give 'version' (the version in force), 'accountId' and 'until' (leave it out to end the snooze), e.g. {example}."));
    }

    internal static async Task<Results<Ok<RuleProposalDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> ProposeAsync(
        HttpContext context, IRequiredActor<RuleBookActor> ruleBook, string? comment, CancellationToken cancellationToken)
    {
        if (await RuleSetBodyAsync(context, cancellationToken) is not { } json)
        {
            return TypedResults.BadRequest(new ErrorResponse(RuleSetBodyWanted));
        }

        RuleBookDecision decision;
        try
        {
            decision = await (await ruleBook.GetAsync(cancellationToken)).Ask<RuleBookDecision>(
                new ChangeRules(RuleBookCommand.Propose, 0, Who(context), comment, Json: json), AskTimeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return NoAnswer();
        }

        return decision.Proposal is { } proposal
            ? TypedResults.Ok(ProposalDto(proposal, activatedAs: null))
            : Refused<RuleProposalDto>(decision);
    }

    internal static async Task<Results<Ok<RuleProposalsDto>, JsonHttpResult<ErrorResponse>>> ProposalsAsync(IRequiredActor<RuleBookActor> ruleBook, CancellationToken cancellationToken)
    {
        if (await ViewAsync(ruleBook, cancellationToken) is not { } view)
        {
            return NoAnswer();
        }

        var activated = view.History.Where(e => e.FromProposal is not null).ToDictionary(e => e.FromProposal!.Value, e => e.Version);
        return TypedResults.Ok(new RuleProposalsDto([.. view.Proposals.Reverse().Select(p => ProposalDto(p, activated.TryGetValue(p.Number, out var v) ? v : null))]));
    }

    internal static Task<Results<Ok<RuleChangeDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> ActivateAsync(
        int number, string? comment, HttpContext context, IRequiredActor<RuleBookActor> ruleBook, CancellationToken cancellationToken) =>
        ChangeAsync(ruleBook, new ChangeRules(RuleBookCommand.Activate, 0, Who(context), comment, ToVersion: number), cancellationToken);

    private static RuleProposalDto ProposalDto(RuleSetProposal p, int? activatedAs) =>
        new(p.Number, p.BasedOn, p.Who, p.At, p.Comment, activatedAs, JsonDocument.Parse(p.RuleSetJson).RootElement);

    internal static async Task<Results<Ok<RuleHistoryDto>, JsonHttpResult<ErrorResponse>>> HistoryAsync(IRequiredActor<RuleBookActor> ruleBook, CancellationToken cancellationToken)
    {
        if (await ViewAsync(ruleBook, cancellationToken) is not { } view)
        {
            return NoAnswer();
        }

        return TypedResults.Ok(new RuleHistoryDto(view.History.Length, [.. view.History.Reverse().Select(RuleBookEntryDto.From)]));
    }

    internal static async Task<Results<Ok<RuleSetDiffDto>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> DiffAsync(
        int? from, int? to, IRequiredActor<RuleBookActor> ruleBook, CancellationToken cancellationToken)
    {
        if (await ViewAsync(ruleBook, cancellationToken) is not { } view)
        {
            return NoAnswer();
        }

        var book = new RuleBook();
        foreach (var entry in view.History)
        {
            book.Apply(entry);
        }

        var toVersion = to ?? book.Version;
        var fromVersion = from ?? toVersion - 1;
        return book.Diff(fromVersion, toVersion) is { } diff
            ? TypedResults.Ok(RuleSetDiffDto.Of(diff))
            : TypedResults.NotFound(new ErrorResponse($"the rule book has versions 1 to {book.Version}: from={fromVersion} and to={toVersion} must both be among them"));
    }

    private static async Task<Results<Ok<RuleChangeDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>>> ChangeAsync(
        IRequiredActor<RuleBookActor> ruleBook, ChangeRules change, CancellationToken cancellationToken)
    {
        RuleBookDecision decision;
        try
        {
            decision = await (await ruleBook.GetAsync(cancellationToken)).Ask<RuleBookDecision>(change, AskTimeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return NoAnswer();
        }

        if (decision.Entry is { } entry)
        {
            return TypedResults.Ok(new RuleChangeDto(RuleBookEntryDto.From(entry), JsonDocument.Parse(entry.RuleSetJson).RootElement));
        }

        return Refused<RuleChangeDto>(decision);
    }

    private static Results<Ok<T>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>, NotFound<ErrorResponse>, JsonHttpResult<ErrorResponse>> Refused<T>(RuleBookDecision decision)
    {
        var error = new ErrorResponse(decision.Message!);
        return decision.Refusal switch
        {
            RuleBookRefusal.StaleVersion => TypedResults.Conflict(error),
            RuleBookRefusal.NotFound => TypedResults.NotFound(error),
            _ => TypedResults.BadRequest(error),
        };
    }

    private static async Task<RuleBookView?> ViewAsync(IRequiredActor<RuleBookActor> ruleBook, CancellationToken cancellationToken)
    {
        try
        {
            return await (await ruleBook.GetAsync(cancellationToken)).Ask<RuleBookView>(GetRuleBook.Instance, AskTimeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private const string RuleSetBodyWanted = "Send the rule set as a JSON body with 'Content-Type: application/json': GET /api/rules, edit it, and send it back.";

    /// <summary>The request's body as text, the rule set the book parses and validates; null unless it is JSON.</summary>
    private static async Task<string?> RuleSetBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.Request.HasJsonContentType())
        {
            return null;
        }

        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static JsonHttpResult<ErrorResponse> NoAnswer() => TypedResults.Json(
        new ErrorResponse($"the rule book did not answer within {AskTimeout.TotalSeconds:0} s (its node may be starting or handing it over): try again"),
        statusCode: StatusCodes.Status503ServiceUnavailable);

    private static string Who(HttpContext context) => Identity.Of(context.User)?.Name ?? "anonymous";
}
