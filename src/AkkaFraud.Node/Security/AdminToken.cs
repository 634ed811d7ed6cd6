using System.Security.Cryptography;
using System.Text;
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
