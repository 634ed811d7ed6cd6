using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;

namespace AkkaFraud.Node.Security;

/// <summary>The admin token's wiring: the service, and the filters that guard endpoints with it.</summary>
internal static class AdminTokenEndpoints
{
    public static IServiceCollection AddAdminToken(this IServiceCollection services) => services.AddSingleton<AdminToken>();

    /// <summary>401 with a helpful message unless the request carries the admin token.</summary>
    public static RouteHandlerBuilder RequireAdminToken(this RouteHandlerBuilder builder) =>
        builder.Guard("This endpoint changes the system and needs the admin token", readOpen: _ => false);

    /// <summary>
    /// The management reads (cluster and dead letters): open where <c>Console:ReadOpen</c> is true (the default in
    /// embedded mode), otherwise they need the admin token like the mutations.
    /// </summary>
    public static RouteHandlerBuilder RequireConsoleRead(this RouteHandlerBuilder builder) =>
        builder.Guard($"This endpoint reads the cluster's internals and needs the admin token on this node (or {NodeSettings.ConsoleReadOpenVariable}=true on the web nodes)",
            readOpen: settings => settings.ConsoleReadOpen);

    private static RouteHandlerBuilder Guard(this RouteHandlerBuilder builder, string why, Func<NodeSettings, bool> readOpen) => builder
        .AddEndpointFilter(async (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            var authorization = context.HttpContext.Request.Headers.Authorization.ToString();
            if (readOpen(services.GetRequiredService<NodeSettings>()) || services.GetRequiredService<AdminToken>().Accepts(authorization))
            {
                return await next(context);
            }

            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Json(
                new ErrorResponse(string.IsNullOrEmpty(authorization)
                    ? $"{why}: send the header 'Authorization: Bearer <token>' (the token is {NodeSettings.AdminTokenVariable}; the embedded mode prints it at start)."
                    : $"The admin token is wrong: send 'Authorization: Bearer <token>' with the value of {NodeSettings.AdminTokenVariable} (the embedded mode prints it at start)."),
                statusCode: StatusCodes.Status401Unauthorized);
        })
        .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized);
}
