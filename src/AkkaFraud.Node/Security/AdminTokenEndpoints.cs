using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;

namespace AkkaFraud.Node.Security;

/// <summary>The admin token's wiring: the service, and the filter that guards mutating endpoints.</summary>
internal static class AdminTokenEndpoints
{
    public static IServiceCollection AddAdminToken(this IServiceCollection services) => services.AddSingleton<AdminToken>();

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
