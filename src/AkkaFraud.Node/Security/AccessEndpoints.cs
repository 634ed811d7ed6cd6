using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using Microsoft.AspNetCore.Authorization;

namespace AkkaFraud.Node.Security;

/// <summary>The least role an endpoint needs: its declaration, read by the authorization policy, the 401/403 messages and the endpoint-table test.</summary>
internal sealed record MinimumRole(Role Role)
{
    public static Role? Of(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<MinimumRole>()?.Role;
}

/// <summary>What a policy of a <see cref="MinimumRole"/> asks for.</summary>
internal sealed record RoleRequirement(Role Minimum) : IAuthorizationRequirement;

/// <summary>
/// Grants a requirement to an identity whose role is at least the one asked for, and to a request without
/// credentials when <c>Security:AnonymousRole</c> is (embedded mode: viewer; a cluster: none). A request whose
/// credentials were refused is not anonymous: it gets its 401 with the reason.
/// </summary>
internal sealed class RoleRequirementHandler(NodeSettings settings) : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        var refused = context.Resource is HttpContext http && http.Items.ContainsKey(KeyAuthentication.ProblemItem);
        var role = Identity.Of(context.User)?.Role ?? (refused ? null : settings.AnonymousRole);
        if (role >= requirement.Minimum)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The declarations, and the services and middleware that enforce them.</summary>
internal static class AccessEndpoints
{
    public static string PolicyName(Role role) => "role:" + Roles.Name(role);

    /// <summary>The methods that change something: what the audit records and a session's CSRF token guards.</summary>
    public static bool IsChange(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>Declares the least role the endpoint (or group, or hub) needs, and enforces it.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new MinimumRole(role)).RequireAuthorization(PolicyName(role));

    /// <summary>As above, with the 401 and 403 answers in the API description.</summary>
    public static RouteHandlerBuilder RequireRole(this RouteHandlerBuilder builder, Role role) =>
        RequireRole<RouteHandlerBuilder>(builder, role)
            .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorResponse>(StatusCodes.Status403Forbidden);

    /// <summary>
    /// The schemes behind one default: a bearer credential that looks like a JWT goes to the identity provider's
    /// handler (when one is configured), anything else to the node's own keys and sessions, which answer every refusal.
    /// </summary>
    public const string SelectingScheme = "akkafraud-select";

    public static IServiceCollection AddAccessControl(this IServiceCollection services, NodeSettings settings)
    {
        services.AddSingleton<Credentials>();
        services.AddSingleton<Sessions>();
        services.AddSingleton<CredentialThrottle>();
        services.AddSingleton<LoginLinks>();
        services.AddSingleton<IAuthorizationHandler, RoleRequirementHandler>();
        var jwt = settings.Security.Jwt;
        var authentication = services.AddAuthentication(SelectingScheme)
            .AddPolicyScheme(SelectingScheme, null, options =>
            {
                options.ForwardDefaultSelector = context =>
                    jwt is not null && KeyAuthentication.Presented(context.Request) is { } presented && JwtAuthentication.LooksLikeJwt(presented)
                        ? JwtAuthentication.SchemeName
                        : KeyAuthentication.SchemeName;
                options.ForwardChallenge = KeyAuthentication.SchemeName;
                options.ForwardForbid = KeyAuthentication.SchemeName;
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, KeyAuthentication>(KeyAuthentication.SchemeName, null);
        if (jwt is not null)
        {
            authentication.AddIdentityProviderTokens(jwt);
        }

        services.AddAuthorization(options =>
        {
            foreach (var role in Roles.All)
            {
                options.AddPolicy(PolicyName(role), policy => policy.AddRequirements(new RoleRequirement(role)));
            }
        });
        if (settings.Security.CorsOrigins.Count > 0)
        {
            services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins([.. settings.Security.CorsOrigins])
                .WithHeaders("Authorization", "Content-Type")
                .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")));
        }

        return services;
    }
}
