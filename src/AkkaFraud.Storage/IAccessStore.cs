namespace AkkaFraud.Storage;

/// <summary>
/// The warehouse's part in access control: the API keys, each stored as a digest of its secret (never the secret),
/// so that every web node of a cluster knows every key, and a revocation is in force on all of them at once.
/// </summary>
public interface IAccessStore
{
    /// <summary>Stores a new key; false (and nothing stored) when a key that is not revoked already has its name.</summary>
    Task<bool> TryAddApiKeyAsync(StoredApiKey key, CancellationToken cancellationToken = default);

    /// <summary>The key with this id, revoked or not; null when there is none.</summary>
    Task<StoredApiKey?> GetApiKeyAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Every key, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<StoredApiKey>> GetApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes the key as of <paramref name="at"/>; false when no key that is not revoked has this id.</summary>
    Task<bool> RevokeApiKeyAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken = default);
}

/// <summary>An API key as stored.</summary>
/// <param name="KeyId">The public part of the key, which names it in lists and in the audit.</param>
/// <param name="Name">Who or what holds it (unique among keys that are not revoked).</param>
/// <param name="Role">The role it grants, by name.</param>
/// <param name="SecretDigest">Hex SHA-256 of the whole key: the key itself is shown once, at creation, and never stored.</param>
/// <param name="CreatedBy">The name of the identity that created it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working; null for never.</param>
/// <param name="RevokedAt">When it was revoked; null while it is not.</param>
public sealed record StoredApiKey(
    string KeyId,
    string Name,
    string Role,
    string SecretDigest,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt);
