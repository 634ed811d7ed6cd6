namespace AkkaFraud.Storage;

/// <summary>
/// The warehouse's part in access control: the API keys and browser sessions, each stored as a digest of its secret
/// (never the secret), so that every web node of a cluster knows every key and session, and a revocation is in force
/// on all of them at once; and the audit log.
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

    /// <summary>Stores a new session, and forgets every session that expired before it began.</summary>
    Task AddSessionAsync(StoredSession session, CancellationToken cancellationToken = default);

    /// <summary>The session stored under this digest and not yet expired at <paramref name="now"/>; null when there is none.</summary>
    Task<StoredSession?> GetSessionAsync(string sessionDigest, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Forgets the session (sign-out); false when there was none.</summary>
    Task<bool> EndSessionAsync(string sessionDigest, CancellationToken cancellationToken = default);

    /// <summary>Appends a record to the audit log (its <see cref="AuditRecord.Id"/> is ignored: the log numbers it).</summary>
    Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> records, newest first, only those numbered below <paramref name="before"/> when it is given.</summary>
    Task<IReadOnlyList<AuditRecord>> GetAuditAsync(long? before, int limit, CancellationToken cancellationToken = default);
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

/// <summary>A browser session as stored.</summary>
/// <param name="SessionDigest">Hex SHA-256 of the cookie's secret: the secret itself is only in the browser.</param>
/// <param name="Credential">What it was opened with, checked again on every request: an API key's id, or a binding to the admin token.</param>
/// <param name="CreatedAt">When it was opened.</param>
/// <param name="ExpiresAt">When it ends unless signed out before.</param>
public sealed record StoredSession(string SessionDigest, string Credential, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>One mutation the API was asked for, granted or not. It never holds a secret: no body, no query, no header.</summary>
/// <param name="Id">Its number in the log, increasing in the order written.</param>
/// <param name="At">When the answer was given.</param>
/// <param name="ActorId">The key's id, "admin-token", or the token's subject; null for an anonymous request.</param>
/// <param name="Actor">The identity's name; null for an anonymous request.</param>
/// <param name="Role">The identity's role; null for an anonymous request.</param>
/// <param name="Via">How the identity was established: api-key, admin-token or anonymous.</param>
/// <param name="Action">The endpoint's name, e.g. CreateKey.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request's path, without its query.</param>
/// <param name="RemoteAddress">The client's address as the node saw it (through forwarded headers when they are enabled).</param>
/// <param name="Status">The HTTP status of the answer.</param>
public sealed record AuditRecord(
    long Id,
    DateTimeOffset At,
    string? ActorId,
    string? Actor,
    string? Role,
    string Via,
    string Action,
    string Method,
    string Path,
    string? RemoteAddress,
    int Status);
