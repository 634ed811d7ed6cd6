using System.Text.RegularExpressions;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Node.Security;
using AkkaFraud.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AkkaFraud.Node.Apis;

/// <summary>
/// Who am I; the browser session (sign in with a key, sign out); the API keys (admin): create one (its secret shown
/// once), list them, revoke one; the audit log (admin).
/// </summary>
internal static partial class AccessApi
{
    private const string Example = """{"name": "alice", "role": "analyst", "expiresAt": "2027-06-30T00:00:00Z"}""";

    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", WhoAmI)
            .WithName("WhoAmI")
            .WithTags("Access")
            .WithSummary("The identity and role this request has: the credential's, or the node's anonymous role.")
            .AllowAnonymous();
        app.MapPost("/api/session", SignInAsync)
            .WithName("SignIn")
            .WithTags("Access")
            .WithSummary("Exchanges an API key or the admin token for a browser session: an HttpOnly, SameSite=Strict cookie, and the CSRF token its changes must carry.")
            .Accepts<SignInRequest>("application/json")
            .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorResponse>(StatusCodes.Status429TooManyRequests)
            .AllowAnonymous();
        app.MapDelete("/api/session", SignOutAsync)
            .WithName("SignOut")
            .WithTags("Access")
            .WithSummary("Ends the request's browser session on every web node and clears its cookie.")
            .AllowAnonymous();
        var keys = app.MapGroup("/api/keys").WithTags("Access");
        keys.MapGet("", ListAsync)
            .WithName("ListKeys")
            .WithSummary("Every API key, revoked ones included, oldest first; never a secret.")
            .RequireRole(Role.Admin);
        keys.MapPost("", CreateAsync)
            .WithName("CreateKey")
            .WithSummary("Creates an API key with a role and an optional expiry; the answer is the only time its secret is shown.")
            .Accepts<CreateKeyRequest>("application/json")
            .RequireRole(Role.Admin);
        keys.MapDelete("/{keyId}", RevokeAsync)
            .WithName("RevokeKey")
            .WithSummary("Revokes an API key: from the next request on, on every web node, it grants nothing.")
            .RequireRole(Role.Admin);
        app.MapGet("/api/audit", AuditAsync)
            .WithName("GetAudit")
            .WithTags("Access")
            .WithSummary("The audit log, newest first: every mutation the API was asked for, who asked, from where, and the answer.")
            .RequireRole(Role.Admin);
        return app;
    }

    internal static WhoAmIDto WhoAmI(HttpContext context, NodeSettings settings) => Identity.Of(context.User) is { } identity
        ? new WhoAmIDto(true, identity.Name, identity.KeyId, Roles.Name(identity.Role), identity.Via, Sessions.CsrfTokenOf(context))
        : new WhoAmIDto(false, null, null, settings.AnonymousRole is { } role ? Roles.Name(role) : null, "anonymous", null);

    internal static async Task<Results<Ok<SessionDto>, BadRequest<ErrorResponse>, JsonHttpResult<ErrorResponse>>> SignInAsync(
        HttpContext context, Credentials credentials, Sessions sessions, CredentialThrottle throttle, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        const string SignInExample = """{"key": "akf_…"}""";
        var (body, error) = await JsonBody.ReadAsync<SignInRequest>(context.Request, json.Value.SerializerOptions, SignInExample, cancellationToken);
        if (body?.Key is not { Length: > 0 } key)
        {
            return TypedResults.BadRequest(new ErrorResponse(error ?? $"'key' is missing: send an API key or the admin token, e.g. {SignInExample}."));
        }

        if (throttle.IsThrottled(context))
        {
            CredentialThrottle.SetRetryAfter(context.Response);
            return TypedResults.Json(new ErrorResponse((string)context.Items[KeyAuthentication.ProblemItem]!), statusCode: StatusCodes.Status429TooManyRequests);
        }

        var (identity, problem) = await credentials.CheckAsync(key.Trim(), cancellationToken);
        if (identity is null)
        {
            throttle.CountRefusal(context);
            return TypedResults.Json(new ErrorResponse(problem!), statusCode: StatusCodes.Status401Unauthorized);
        }

        var session = await sessions.OpenAsync(context, identity, cancellationToken);
        // The audit names who signed in, though this request itself came without credentials.
        context.User = identity.ToPrincipal(KeyAuthentication.SchemeName);
        return TypedResults.Ok(session);
    }

    internal static async Task<NoContent> SignOutAsync(HttpContext context, Sessions sessions, CancellationToken cancellationToken)
    {
        await sessions.EndAsync(context, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<ApiKeyListDto> ListAsync(IAccessStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        new([.. (await store.GetApiKeysAsync(cancellationToken)).Select(k => Dto(k, clock.GetUtcNow()))]);

    internal static async Task<Results<Created<CreatedKeyDto>, BadRequest<ErrorResponse>, Conflict<ErrorResponse>>> CreateAsync(
        HttpContext context, IAccessStore store, TimeProvider clock, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateKeyRequest>(context.Request, json.Value.SerializerOptions, Example, cancellationToken);
        if (body is null)
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        if (body.Name is not { } name || !KeyName().IsMatch(name))
        {
            return TypedResults.BadRequest(new ErrorResponse(
                $"'name' must be 1 to 64 letters, digits or . _ @ - (who holds the key, e.g. \"alice\" or \"ingest-bot\"); send e.g. {Example}."));
        }

        if (!Roles.TryParse(body.Role, out var role))
        {
            return TypedResults.BadRequest(new ErrorResponse($"'role' must be {Roles.Choices}; send e.g. {Example}."));
        }

        var now = clock.GetUtcNow();
        if (body.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return TypedResults.BadRequest(new ErrorResponse($"'expiresAt' ({expiresAt:u}) has passed: give a time in the future, or none for a key that does not expire."));
        }

        var (keyId, secret) = ApiKeyFormat.Create();
        var creator = Identity.Of(context.User)!;
        var key = new StoredApiKey(keyId, name, Roles.Name(role), ApiKeyFormat.Digest(secret), creator.Name, now, body.ExpiresAt, null);
        if (!await store.TryAddApiKeyAsync(key, cancellationToken))
        {
            return TypedResults.Conflict(new ErrorResponse($"A key named '{name}' exists and is not revoked: revoke it first (DELETE /api/keys/<id>), or choose another name."));
        }

        return TypedResults.Created($"/api/keys/{keyId}", new CreatedKeyDto(Dto(key, now), secret));
    }

    internal static async Task<Results<Ok<ApiKeyDto>, NotFound<ErrorResponse>>> RevokeAsync(
        string keyId, IAccessStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!await store.RevokeApiKeyAsync(keyId, now, cancellationToken) || await store.GetApiKeyAsync(keyId, cancellationToken) is not { } key)
        {
            return TypedResults.NotFound(new ErrorResponse($"No key '{keyId}' that is not revoked already: GET /api/keys lists them."));
        }

        return TypedResults.Ok(Dto(key, now));
    }

    internal static async Task<Results<Ok<AuditPageDto>, BadRequest<ErrorResponse>>> AuditAsync(
        string? limit, string? before, IAccessStore store, CancellationToken cancellationToken)
    {
        if (!Query.TryInt(limit, nameof(limit), 50, 1, MaxAuditPage, out var pageSize, out var error))
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        long? beforeId = null;
        if (!string.IsNullOrEmpty(before))
        {
            if (!long.TryParse(before, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                return TypedResults.BadRequest(new ErrorResponse("'before' must be a record's id (a whole number from 1), as the previous page's 'next' gives it."));
            }

            beforeId = parsed;
        }

        // One more than asked tells whether an older page exists.
        var records = await store.GetAuditAsync(beforeId, pageSize + 1, cancellationToken);
        var page = records.Take(pageSize).Select(Dto).ToList();
        return TypedResults.Ok(new AuditPageDto(page, records.Count > pageSize ? page[^1].Id : null));
    }

    private const int MaxAuditPage = 500;

    private static AuditRecordDto Dto(AuditRecord r) => new(
        r.Id, r.At, r.Actor, r.ActorId, r.Role, r.Via, r.Action, r.Method, r.Path, r.RemoteAddress, r.Status,
        r.Status < 400 ? "ok" : r.Status is 401 or 403 or 429 ? "refused" : "failed");

    private static ApiKeyDto Dto(StoredApiKey key, DateTimeOffset now) => new(
        key.KeyId, key.Name, key.Role, key.CreatedBy, key.CreatedAt, key.ExpiresAt, key.RevokedAt,
        key.RevokedAt is not null ? "revoked" : key.ExpiresAt is { } e && e <= now ? "expired" : "active");

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex KeyName();
}
