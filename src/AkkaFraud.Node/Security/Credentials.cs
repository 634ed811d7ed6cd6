using System.Security.Claims;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Security;

/// <summary>Who presented a credential: the key's id and name (or the admin token) and the role it grants.</summary>
internal sealed record Identity(string Id, string Name, Role Role, string Via)
{
    public const string ViaAdminToken = "admin-token";
    public const string ViaApiKey = "api-key";
    private const string ViaClaim = "akkafraud:via";

    public ClaimsPrincipal ToPrincipal(string scheme) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, Id),
            new Claim(ClaimTypes.Name, Name),
            new Claim(ClaimTypes.Role, Roles.Name(Role)),
            new Claim(ViaClaim, Via),
        ], scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The identity of a principal this node authenticated; null for an anonymous one.</summary>
    public static Identity? Of(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Roles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var role)
            ? new Identity(user.FindFirstValue(ClaimTypes.NameIdentifier)!, user.Identity.Name!, role, user.FindFirstValue(ViaClaim)!)
            : null;
}

/// <summary>
/// Checks a presented secret: the admin token (<see cref="NodeSettings.AdminTokenVariable"/>, the bootstrap admin) or
/// an API key, looked up in the warehouse by its id on every request, so a revocation holds at once on every web node.
/// </summary>
internal sealed class Credentials(NodeSettings settings, IAccessStore store, TimeProvider clock)
{
    private readonly string? _adminTokenDigest = settings.AdminToken is { } token ? ApiKeyFormat.Digest(token) : null;

    /// <summary>The identity, or why the secret grants nothing (a sentence for the person who sent it).</summary>
    public async Task<(Identity? Identity, string? Problem)> CheckAsync(string presented, CancellationToken cancellationToken)
    {
        var digest = ApiKeyFormat.Digest(presented);
        if (_adminTokenDigest is not null && ApiKeyFormat.DigestsEqual(digest, _adminTokenDigest))
        {
            return (new Identity(Identity.ViaAdminToken, "admin token", Role.Admin, Identity.ViaAdminToken), null);
        }

        if (!ApiKeyFormat.TryReadId(presented, out var keyId))
        {
            return (null, $"The credential is neither the admin token ({NodeSettings.AdminTokenVariable}) nor an API key (akf_…): check that it was copied whole.");
        }

        var key = await store.GetApiKeyAsync(keyId, cancellationToken);
        if (key is null || !ApiKeyFormat.DigestsEqual(key.SecretDigest, digest))
        {
            return (null, "The API key is not known here: it was mistyped, or made for another deployment. An admin can create one with `akkafraud keys create`.");
        }

        if (key.RevokedAt is { } revokedAt)
        {
            return (null, $"The API key '{key.Name}' was revoked at {revokedAt:u}: ask an admin for a new one.");
        }

        if (key.ExpiresAt is { } expiresAt && expiresAt <= clock.GetUtcNow())
        {
            return (null, $"The API key '{key.Name}' expired at {expiresAt:u}: ask an admin for a new one.");
        }

        return Roles.TryParse(key.Role, out var role)
            ? (new Identity(key.KeyId, key.Name, role, Identity.ViaApiKey), null)
            : (null, $"The API key '{key.Name}' names the role '{key.Role}', which this node does not know.");
    }
}
