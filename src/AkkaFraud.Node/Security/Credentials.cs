using System.Security.Claims;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Security;

/// <summary>
/// Who presented a credential: the key's id and name (or the admin token, or a token's subject) and the role it
/// grants; <see cref="Via"/> says how: an API key or the admin token as a bearer credential, a browser session opened
/// with one, or an identity provider's token.
/// </summary>
internal sealed record Identity(string Id, string Name, Role Role, string Via)
{
    public const string ViaAdminToken = "admin-token";
    public const string ViaApiKey = "api-key";
    public const string ViaSession = "session";
    public const string ViaJwt = "jwt";
    private const string ViaClaim = "akkafraud:via";

    /// <summary>The API key behind this identity, directly or through a session; null for the admin token and tokens.</summary>
    public string? KeyId => Via == ViaApiKey || (Via == ViaSession && Id != ViaAdminToken) ? Id : null;

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
/// A session stores what it was opened with (<see cref="BindingOf"/>), and every request of it is checked again here.
/// </summary>
internal sealed class Credentials(NodeSettings settings, IAccessStore store, TimeProvider clock)
{
    private const string KeyBinding = "key:";
    private const string AdminTokenBinding = "admin-token:";
    private readonly string? _adminTokenDigest = settings.AdminToken is { } token ? ApiKeyFormat.Digest(token) : null;

    /// <summary>Bound to this admin token, not to "the admin token": a session opened with it ends when the token is changed.</summary>
    private readonly string? _adminTokenBinding = settings.AdminToken is { } bound ? AdminTokenBinding + ApiKeyFormat.Digest("session:" + bound) : null;

    public static Identity AdminToken { get; } = new(Identity.ViaAdminToken, "admin token", Role.Admin, Identity.ViaAdminToken);

    /// <summary>The identity, or why the secret grants nothing (a sentence for the person who sent it).</summary>
    public async Task<(Identity? Identity, string? Problem)> CheckAsync(string presented, CancellationToken cancellationToken)
    {
        var digest = ApiKeyFormat.Digest(presented);
        if (_adminTokenDigest is not null && ApiKeyFormat.DigestsEqual(digest, _adminTokenDigest))
        {
            return (AdminToken, null);
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

        return Check(key, Identity.ViaApiKey);
    }

    /// <summary>What a session opened by <paramref name="identity"/> (an API key or the admin token) stores to check it again.</summary>
    public string BindingOf(Identity identity) => identity.Via == Identity.ViaAdminToken
        ? _adminTokenBinding ?? throw new InvalidOperationException("no admin token on this node")
        : KeyBinding + identity.Id;

    /// <summary>The identity of a session's binding now, or why it grants nothing any more.</summary>
    public async Task<(Identity? Identity, string? Problem)> CheckBindingAsync(string binding, CancellationToken cancellationToken)
    {
        if (binding.StartsWith(AdminTokenBinding, StringComparison.Ordinal))
        {
            return _adminTokenBinding is not null && ApiKeyFormat.DigestsEqual(binding, _adminTokenBinding)
                ? (AdminToken with { Via = Identity.ViaSession }, null)
                : (null, $"The session was opened with an admin token that is no longer {NodeSettings.AdminTokenVariable}: sign in again.");
        }

        var key = binding.StartsWith(KeyBinding, StringComparison.Ordinal) ? await store.GetApiKeyAsync(binding[KeyBinding.Length..], cancellationToken) : null;
        return key is null
            ? (null, "The session's API key is not known here any more: sign in again.")
            : Check(key, Identity.ViaSession);
    }

    private (Identity? Identity, string? Problem) Check(StoredApiKey key, string via)
    {
        if (key.RevokedAt is { } revokedAt)
        {
            return (null, $"The API key '{key.Name}' was revoked at {revokedAt:u}: ask an admin for a new one.");
        }

        if (key.ExpiresAt is { } expiresAt && expiresAt <= clock.GetUtcNow())
        {
            return (null, $"The API key '{key.Name}' expired at {expiresAt:u}: ask an admin for a new one.");
        }

        return Roles.TryParse(key.Role, out var role)
            ? (new Identity(key.KeyId, key.Name, role, via), null)
            : (null, $"The API key '{key.Name}' names the role '{key.Role}', which this node does not know.");
    }
}
