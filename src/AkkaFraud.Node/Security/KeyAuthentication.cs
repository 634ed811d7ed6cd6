using System.Text.Encodings.Web;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Node.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AkkaFraud.Node.Security;

/// <summary>
/// The node's own credentials: <c>Authorization: Bearer &lt;secret&gt;</c>, the secret an API key or the admin token
/// (on the live hub also <c>?access_token=</c>, as SignalR's clients send it on WebSockets), or the browser session's
/// cookie. It answers every 401, 403 and 429 of the node, an identity provider's tokens' too: each says what was wrong
/// and what the endpoint needs.
/// </summary>
internal sealed class KeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Credentials credentials,
    Sessions sessions, CredentialThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "akkafraud";

    /// <summary>Where a refused credential's reason waits for the challenge, and for the anonymous-role check.</summary>
    public const string ProblemItem = "akkafraud.credential-problem";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Presented(Request) is { Length: > 0 } presented)
        {
            if (throttle.IsThrottled(Context))
            {
                return AuthenticateResult.Fail((string)Context.Items[ProblemItem]!);
            }

            var (identity, problem) = await credentials.CheckAsync(presented, Context.RequestAborted);
            if (identity is null)
            {
                throttle.CountRefusal(Context);
                Context.Items[ProblemItem] = problem;
                return AuthenticateResult.Fail(problem!);
            }

            return Success(identity);
        }

        if (Request.Cookies[Sessions.CookieName] is { Length: > 0 } secret)
        {
            var (identity, problem) = await sessions.CheckAsync(secret, Context.RequestAborted);
            if (identity is null)
            {
                // Its answer clears the dead cookie: the next request is anonymous, not refused again.
                Sessions.ClearCookie(Context);
                Context.Items[ProblemItem] = problem;
                return AuthenticateResult.Fail(problem!);
            }

            Context.Items[Sessions.SecretItem] = secret;
            return Success(identity);
        }

        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(CredentialThrottle.ThrottledItem))
        {
            CredentialThrottle.SetRetryAfter(Response);
            return WriteAsync(StatusCodes.Status429TooManyRequests, (string)Context.Items[ProblemItem]!);
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        var needed = Roles.Name(MinimumRole.Of(Context) ?? Role.Admin);
        var message = Context.Items[ProblemItem] as string
            ?? $"This needs the {needed} role: send 'Authorization: Bearer <key>' with an API key (`akkafraud keys create`) or {NodeSettings.AdminTokenVariable}, or sign in on the dashboard.";
        return WriteAsync(StatusCodes.Status401Unauthorized, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var identity = Identity.Of(Context.User);
        var needed = Roles.Name(MinimumRole.Of(Context) ?? Role.Admin);
        return WriteAsync(StatusCodes.Status403Forbidden,
            $"'{identity?.Name}' has the role {(identity is null ? "none" : Roles.Name(identity.Role))}; this needs {needed}. An admin can give a key another role by creating a new one.");
    }

    private static AuthenticateResult Success(Identity identity) =>
        AuthenticateResult.Success(new AuthenticationTicket(identity.ToPrincipal(SchemeName), SchemeName));

    /// <summary>The bearer credential of the request, if it has one.</summary>
    public static string? Presented(HttpRequest request)
    {
        const string Bearer = "Bearer ";
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[Bearer.Length..].Trim();
        }

        return request.Path.StartsWithSegments(LiveHub.Path, StringComparison.Ordinal) ? request.Query["access_token"].ToString() : null;
    }

    private Task WriteAsync(int status, string message)
    {
        Response.StatusCode = status;
        return Response.WriteAsJsonAsync(new ErrorResponse(message), Context.RequestAborted);
    }
}
