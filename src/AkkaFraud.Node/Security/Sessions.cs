using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Node.Live;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Security;

/// <summary>
/// Browser sessions: sign-in exchanges a key (or the admin token) for a random secret in an HttpOnly, SameSite=Strict
/// cookie; the warehouse keeps its digest and what it was opened with, checked again on every request (so revoking
/// the key ends the session on every web node). Page scripts never see the cookie; they send the session's CSRF token,
/// derived from the secret, with every change, which a page of another site cannot know.
/// </summary>
internal sealed class Sessions(NodeSettings settings, IAccessStore store, Credentials credentials, TimeProvider clock)
{
    public const string CookieName = "akkafraud_session";
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>Where an authenticated session's secret waits for the CSRF check and <c>/api/me</c>.</summary>
    public const string SecretItem = "akkafraud.session-secret";

    /// <summary>Opens a session for an identity of an API key or the admin token, and sets its cookie on the response.</summary>
    public async Task<SessionDto> OpenAsync(HttpContext context, Identity identity, CancellationToken cancellationToken)
    {
        var secret = ApiKeyFormat.RandomSecret();
        var now = clock.GetUtcNow();
        var session = new StoredSession(ApiKeyFormat.Digest(secret), credentials.BindingOf(identity), now, now + settings.Security.SessionLifetime);
        await store.AddSessionAsync(session, cancellationToken);
        context.Response.Cookies.Append(CookieName, secret, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            // Behind a TLS proxy the request looks like HTTPS once forwarded headers are on (ASPNETCORE_FORWARDEDHEADERS_ENABLED).
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = session.ExpiresAt,
            IsEssential = true,
        });
        return new SessionDto(identity.Name, Roles.Name(identity.Role), Identity.ViaSession, CsrfToken(secret), session.ExpiresAt);
    }

    /// <summary>The identity of the session a cookie names, or why it grants nothing.</summary>
    public async Task<(Identity? Identity, string? Problem)> CheckAsync(string secret, CancellationToken cancellationToken)
    {
        var stored = await store.GetSessionAsync(ApiKeyFormat.Digest(secret), clock.GetUtcNow(), cancellationToken);
        return stored is null
            ? (null, $"The session has ended (signed out, or older than {settings.Security.SessionLifetime.TotalHours:0} hours): sign in again.")
            : await credentials.CheckBindingAsync(stored.Credential, cancellationToken);
    }

    /// <summary>Ends the session of the request's cookie, if any, and clears the cookie.</summary>
    public async Task EndAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Request.Cookies[CookieName] is { Length: > 0 } secret)
        {
            await store.EndSessionAsync(ApiKeyFormat.Digest(secret), cancellationToken);
        }

        ClearCookie(context);
    }

    public static void ClearCookie(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });

    public static string CsrfToken(string secret) => ApiKeyFormat.Digest("csrf:" + secret);

    /// <summary>The CSRF token of the request's session; null when the request did not come with a session.</summary>
    public static string? CsrfTokenOf(HttpContext context) => context.Items[SecretItem] is string secret ? CsrfToken(secret) : null;
}

internal static class CsrfProtection
{
    /// <summary>
    /// Refuses (403) a change that came with a session cookie but without the session's CSRF token. Bearer credentials
    /// need no token: a browser never sends them on its own. The live hub's negotiate opens a connection, changes nothing.
    /// </summary>
    public static WebApplication UseCsrfProtection(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Items[Sessions.SecretItem] is string secret && AccessEndpoints.IsChange(context.Request.Method)
                && context.GetEndpoint()?.Metadata.GetMetadata<MinimumRole>() is not null
                && !context.Request.Path.StartsWithSegments(LiveHub.Path, StringComparison.Ordinal)
                && !ApiKeyFormat.DigestsEqual(context.Request.Headers[Sessions.CsrfHeader].ToString(), Sessions.CsrfToken(secret)))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(new ErrorResponse(
                    $"This change came with the session cookie but without the session's {Sessions.CsrfHeader} header, as a page of another site would send it: it was refused. The dashboard sends it; an API client sends 'Authorization: Bearer <key>' instead of the cookie."),
                    context.RequestAborted);
                return;
            }

            await next(context);
        });
        return app;
    }
}
