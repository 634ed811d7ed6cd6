using System.Security.Cryptography;
using System.Text;

namespace AkkaFraud.Node.Security;

/// <summary>
/// How an API key is written: <c>akf_&lt;id&gt;_&lt;secret&gt;</c>, the id 16 hex digits (it names the key in lists and
/// the audit), the secret 32 random bytes in base64url. Only the SHA-256 digest of the whole key is stored: a
/// secret of 256 random bits needs no slow hash, as nobody can guess one from its digest.
/// </summary>
internal static class ApiKeyFormat
{
    private const string Prefix = "akf_";
    private const int IdLength = 16;

    /// <summary>A new key and its id.</summary>
    public static (string KeyId, string Key) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        return (id, $"{Prefix}{id}_{RandomSecret()}");
    }

    /// <summary>256 random bits in base64url: a key's secret, a session cookie's.</summary>
    public static string RandomSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The id of something shaped like a key; false for anything else.</summary>
    public static bool TryReadId(string presented, out string keyId)
    {
        keyId = string.Empty;
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length < Prefix.Length + IdLength + 2
            || presented[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        keyId = presented.Substring(Prefix.Length, IdLength);
        return keyId.All(Uri.IsHexDigit);
    }

    public static string Digest(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Compares in constant time, so that how much of a digest matched does not leak through timing.</summary>
    public static bool DigestsEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
