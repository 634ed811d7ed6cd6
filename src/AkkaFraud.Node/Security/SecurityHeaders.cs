namespace AkkaFraud.Node.Security;

/// <summary>
/// The headers every response carries: a Content-Security-Policy the dashboard works under (its scripts and styles
/// are files of its own origin; no inline script, no framing, no plugins), no MIME sniffing, no referrer. CORS is off
/// unless Security:CorsOrigins names origins: no other response names another origin, so browsers keep other sites'
/// pages from reading this API.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Largest request body the node reads: its biggest request, a replay of 1000 dead letters, is far below it.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        return app;
    }
}
