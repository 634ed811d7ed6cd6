using System.Security.Cryptography;
using AkkaFraud.Node.Hosting;

namespace AkkaFraud.Node.Security;

/// <summary>
/// Embedded mode's zero-setup sign-in, as notebook servers do it: the banner prints <c>/?login=&lt;token&gt;</c>, and
/// opening it once gives that browser an admin session. The token lives only in this process and works once; the
/// admin token the banner also prints signs in any further browser.
/// </summary>
internal sealed class LoginLinks(NodeSettings settings)
{
    public const string QueryName = "login";

    private readonly Lock _gate = new();
    private string? _unusedDigest;

    /// <summary>Issues this run's link token; null outside embedded mode, where the link does not exist.</summary>
    public string? Issue()
    {
        if (settings.Mode != NodeMode.Embedded || !settings.IsWeb)
        {
            return null;
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_gate)
        {
            _unusedDigest = ApiKeyFormat.Digest(token);
        }

        return token;
    }

    /// <summary>True once for the token issued last; false for any other, and for it again.</summary>
    public bool Redeem(string token)
    {
        var digest = ApiKeyFormat.Digest(token);
        lock (_gate)
        {
            if (_unusedDigest is null || !ApiKeyFormat.DigestsEqual(digest, _unusedDigest))
            {
                return false;
            }

            _unusedDigest = null;
            return true;
        }
    }
}

internal static class LoginLinkHosting
{
    /// <summary>
    /// Answers <c>GET /?login=…</c> before the dashboard's files: a redeemed link opens an admin session and goes to
    /// the live page; any other goes to the sign-in page, which says why. Either way the attempt is audited.
    /// </summary>
    public static WebApplication UseLoginLinks(this WebApplication app)
    {
        var links = app.Services.GetRequiredService<LoginLinks>();
        var sessions = app.Services.GetRequiredService<Sessions>();
        var throttle = app.Services.GetRequiredService<CredentialThrottle>();
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != "/"
                || context.Request.Query[LoginLinks.QueryName].ToString() is not { Length: > 0 } token)
            {
                await next(context);
                return;
            }

            var redeemed = !throttle.IsThrottled(context) && links.Redeem(token);
            if (redeemed)
            {
                await sessions.OpenAsync(context, Credentials.AdminToken, context.RequestAborted);
                context.User = Credentials.AdminToken.ToPrincipal(KeyAuthentication.SchemeName);
            }
            else
            {
                throttle.CountRefusal(context);
            }

            context.Response.Redirect(redeemed ? "/#/live" : "/#/signin?problem=link");
            // A refused link is answered with a redirect to the sign-in page, which says why; the audit says 401.
            await AuditTrail.RecordAsync(context, "SignInWithLink", redeemed ? StatusCodes.Status302Found : StatusCodes.Status401Unauthorized);
        });
        return app;
    }
}
