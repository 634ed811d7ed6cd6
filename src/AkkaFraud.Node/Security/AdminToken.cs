using System.Security.Cryptography;
using System.Text;
using AkkaFraud.Node.Apis;
using AkkaFraud.Node.Hosting;

namespace AkkaFraud.Node.Security;

/// <summary>
/// The admin token mutating endpoints require (<c>Authorization: Bearer &lt;token&gt;</c>). Compared in constant time
/// over SHA-256 digests, so neither the content nor the length of the token leaks through timing.
/// </summary>
internal sealed class AdminToken(NodeSettings settings)
{
    private readonly byte[]? _digest = settings.AdminToken is { } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;

    public bool Accepts(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (_digest is null || authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _digest);
    }
}

internal static class AdminTokenEndpoints
{
    /// <summary>401 with a helpful message unless the request carries the admin token.</summary>
    public static RouteHandlerBuilder RequireAdminToken(this RouteHandlerBuilder builder) => builder
        .AddEndpointFilter(async (context, next) =>
        {
            var token = context.HttpContext.RequestServices.GetRequiredService<AdminToken>();
            var authorization = context.HttpContext.Request.Headers.Authorization.ToString();
            if (token.Accepts(authorization))
            {
                return await next(context);
            }

            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Json(
                new ErrorResponse(string.IsNullOrEmpty(authorization)
                    ? $"This endpoint changes the system and needs the admin token: send the header 'Authorization: Bearer <token>' (the token is {NodeSettings.AdminTokenVariable}; the embedded mode prints it at start)."
                    : $"The admin token is wrong: send 'Authorization: Bearer <token>' with the value of {NodeSettings.AdminTokenVariable} (the embedded mode prints it at start)."),
                statusCode: StatusCodes.Status401Unauthorized);
        })
        .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized);
}
