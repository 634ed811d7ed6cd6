using System.Globalization;
using System.Text;
using AkkaFraud.Node.Hosting;

namespace AkkaFraud.Node.Security;

/// <summary>
/// The <c>Security:*</c> settings beside the admin token and the anonymous role: an identity provider's tokens, the
/// browser session's lifetime, how many failed credentials and requests an address may send, and the origins CORS
/// lets in.
/// </summary>
internal sealed record SecuritySettings
{
    public const string SectionName = "Security";

    /// <summary>Tokens of an identity provider (JWT bearer); null when none is configured.</summary>
    public JwtSettings? Jwt { get; init; }

    /// <summary>How long a browser session lasts after sign-in (<c>Security:SessionHours</c>).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Refused credentials an address may send in a minute before its credentials get 429 (<c>Security:FailedCredentialsPerMinute</c>).</summary>
    public int FailedCredentialsPerMinute { get; init; } = 20;

    /// <summary>Requests (probes and metrics aside) an address may send in a minute before it gets 429 (<c>Security:RequestsPerMinute</c>).</summary>
    public int RequestsPerMinute { get; init; } = 3000;

    /// <summary>Origins whose pages may call the API with a bearer credential (<c>Security:CorsOrigins</c>, comma-separated); none by default.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    public static SecuritySettings Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var hours = Number(section, "SessionHours", 12, 1, 24 * 30);
        var failures = Number(section, "FailedCredentialsPerMinute", 20, 1, 1_000_000);
        var requests = Number(section, "RequestsPerMinute", 3000, 10, 100_000_000);
        var origins = (section["CorsOrigins"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var origin in origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                throw new NodeConfigurationException(
                    $"Security__CorsOrigins names \"{origin}\": each origin is a scheme, host and port with no path, e.g. https://ops.example.com,https://localhost:3000.");
            }
        }

        return new SecuritySettings
        {
            Jwt = JwtSettings.Load(section.GetSection("Jwt")),
            SessionLifetime = TimeSpan.FromHours(hours),
            FailedCredentialsPerMinute = failures,
            RequestsPerMinute = requests,
            CorsOrigins = origins,
        };
    }

    private static int Number(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new NodeConfigurationException($"Security__{key} is \"{text}\": it must be a whole number from {min} to {max}.");
    }
}

/// <summary>
/// An identity provider's JSON Web Tokens: either its <see cref="Authority"/> (whose OpenID metadata gives the issuer
/// and the signing keys) or a shared <see cref="SigningKey"/> (HS256); the audience this node is; the claim that holds
/// the role (viewer, analyst, operator or admin; of several, the highest counts).
/// </summary>
internal sealed record JwtSettings(string? Authority, string? SigningKey, string? Issuer, string Audience, string RoleClaim, string NameClaim, bool RequireHttpsMetadata)
{
    /// <summary>HS256 needs a key of at least 256 bits.</summary>
    public const int MinSigningKeyBytes = 32;

    public static JwtSettings? Load(IConfigurationSection section)
    {
        var authority = Trimmed(section["Authority"]);
        var signingKey = Trimmed(section["SigningKey"]);
        if (authority is null && signingKey is null)
        {
            return null;
        }

        if (authority is not null && signingKey is not null)
        {
            throw new NodeConfigurationException(
                "Security__Jwt__Authority and Security__Jwt__SigningKey are both set: trust either an identity provider's published keys (Authority) or one shared key (SigningKey), not both.");
        }

        if (authority is not null && !Uri.TryCreate(authority, UriKind.Absolute, out _))
        {
            throw new NodeConfigurationException($"Security__Jwt__Authority is \"{authority}\": it must be the identity provider's URL, e.g. https://login.example.com/realms/bank.");
        }

        if (signingKey is not null && Encoding.UTF8.GetByteCount(signingKey) < MinSigningKeyBytes)
        {
            throw new NodeConfigurationException(
                $"Security__Jwt__SigningKey is too short: HS256 needs at least {MinSigningKeyBytes} bytes, e.g. the output of `openssl rand -hex 32`.");
        }

        var audience = Trimmed(section["Audience"])
            ?? throw new NodeConfigurationException(
                "Security__Jwt__Audience is not set: name the audience the identity provider puts in tokens for this service (e.g. akkafraud), so that tokens made for other services are refused.");
        return new JwtSettings(
            authority, signingKey, Trimmed(section["Issuer"]), audience,
            Trimmed(section["RoleClaim"]) ?? "role", Trimmed(section["NameClaim"]) ?? "name",
            !bool.TryParse(section["RequireHttpsMetadata"], out var https) || https);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
