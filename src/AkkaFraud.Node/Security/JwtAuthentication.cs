using System.Security.Claims;
using System.Text;
using AkkaFraud.Node.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace AkkaFraud.Node.Security;

/// <summary>
/// An identity provider's JSON Web Tokens as bearer credentials (ASP.NET Core's JwtBearer handler), for API and CLI
/// clients of a deployment that has one. A validated token becomes an <see cref="Identity"/> (via "jwt") whose role is
/// the highest of <see cref="JwtSettings.RoleClaim"/>'s values; a token without a known role grants nothing. Refusals
/// are answered by <see cref="KeyAuthentication"/>, with the reason.
/// </summary>
internal static class JwtAuthentication
{
    public const string SchemeName = "jwt";

    /// <summary>A compact JWS: three base64url parts, the header a JSON object. API keys (akf_…) never look like one.</summary>
    public static bool LooksLikeJwt(string credential) =>
        credential.StartsWith("eyJ", StringComparison.Ordinal) && credential.Count(c => c == '.') == 2;

    public static void AddIdentityProviderTokens(this AuthenticationBuilder builder, JwtSettings jwt)
    {
        builder.AddJwtBearer(SchemeName, options =>
        {
            // The claims as the provider wrote them ("role", "sub"), not renamed to the long WS-* URIs.
            options.MapInboundClaims = false;
            if (jwt.Authority is { } authority)
            {
                options.Authority = authority;
                options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
            }

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateAudience = true,
                ValidAudience = jwt.Audience,
                // With an authority the issuer comes from its metadata; with a shared key only when one is configured.
                ValidateIssuer = jwt.Authority is not null || jwt.Issuer is not null,
                ValidIssuer = jwt.Issuer,
                ValidateIssuerSigningKey = true,
                IssuerSigningKey = jwt.SigningKey is { } key ? new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)) : null,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var throttle = context.HttpContext.RequestServices.GetRequiredService<CredentialThrottle>();
                    if (throttle.IsThrottled(context.HttpContext))
                    {
                        context.Fail((string)context.HttpContext.Items[KeyAuthentication.ProblemItem]!);
                        return Task.CompletedTask;
                    }

                    // SignalR's clients send the token as access_token on WebSockets, which carry no header.
                    if (context.Request.Path.StartsWithSegments(LiveHub.Path, StringComparison.Ordinal)
                        && context.Request.Query["access_token"].ToString() is { Length: > 0 } fromQuery)
                    {
                        context.Token = fromQuery;
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    if (IdentityOf(context.Principal!, jwt) is { } identity)
                    {
                        context.Principal = identity.ToPrincipal(SchemeName);
                        return Task.CompletedTask;
                    }

                    var problem = $"The token carries no role this node knows in its '{jwt.RoleClaim}' claim: the identity provider must put {Roles.Choices} there (Security:Jwt:RoleClaim names the claim).";
                    Refuse(context.HttpContext, problem);
                    context.Fail(problem);
                    return Task.CompletedTask;
                },
                OnAuthenticationFailed = context =>
                {
                    Refuse(context.HttpContext, Problem(context.Exception, jwt));
                    return Task.CompletedTask;
                },
            };
        });
    }

    private static void Refuse(HttpContext context, string problem)
    {
        context.Items[KeyAuthentication.ProblemItem] = problem;
        context.RequestServices.GetRequiredService<CredentialThrottle>().CountRefusal(context);
    }

    private static Identity? IdentityOf(ClaimsPrincipal principal, JwtSettings jwt)
    {
        Role? highest = null;
        foreach (var claim in principal.FindAll(jwt.RoleClaim))
        {
            if (Roles.TryParse(claim.Value, out var role) && (highest is null || role > highest))
            {
                highest = role;
            }
        }

        if (highest is not { } granted)
        {
            return null;
        }

        var subject = principal.FindFirstValue("sub");
        var name = principal.FindFirstValue(jwt.NameClaim) ?? principal.FindFirstValue("preferred_username") ?? subject ?? "token";
        return new Identity(subject ?? name, name, granted, Identity.ViaJwt);
    }

    /// <summary>Why a token was refused, in a sentence for whoever sent it (never the token itself).</summary>
    private static string Problem(Exception exception, JwtSettings jwt) => exception switch
    {
        SecurityTokenExpiredException expired =>
            $"The token expired at {expired.Expires:u}: get a new one from the identity provider.",
        SecurityTokenInvalidAudienceException =>
            $"The token is not for this node's audience '{jwt.Audience}' (Security:Jwt:Audience): ask the identity provider for a token for this service.",
        SecurityTokenInvalidIssuerException issuer =>
            $"The token was issued by '{issuer.InvalidIssuer}', which this node does not trust (Security:Jwt): use a token of the configured identity provider.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
            "The token's signature does not verify with the keys this node trusts (Security:Jwt): it was signed by another issuer, or changed after signing.",
        SecurityTokenNotYetValidException notYet =>
            $"The token is not valid before {notYet.NotBefore:u}: check the clocks of the identity provider and the client.",
        SecurityTokenNoExpirationException =>
            "The token has no expiry ('exp'): this node accepts only tokens that expire.",
        _ => $"The token is not valid here ({exception.GetType().Name}): get a new one from the identity provider.",
    };
}
