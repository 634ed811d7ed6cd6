namespace AkkaFraud.Node.Contracts;

/// <summary>Who this request is, as the node sees it.</summary>
/// <param name="Authenticated">Whether it carried a credential the node accepted.</param>
/// <param name="Name">The key's name ("admin token" for the admin token); null when anonymous.</param>
/// <param name="KeyId">The key's id; null when anonymous or the admin token.</param>
/// <param name="Role">The role in force: the credential's, or the anonymous role of this node (null for none).</param>
/// <param name="Via">"api-key", "admin-token" or "anonymous".</param>
public sealed record WhoAmIDto(bool Authenticated, string? Name, string? KeyId, string? Role, string Via);

/// <summary>A new API key: its name, its role and, optionally, when it expires.</summary>
public sealed record CreateKeyRequest(string? Name, string? Role, DateTimeOffset? ExpiresAt);

/// <summary>An API key as listed: never its secret.</summary>
public sealed record ApiKeyDto(
    string KeyId, string Name, string Role, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string State);

/// <summary>A key just created: the one time its secret is shown.</summary>
public sealed record CreatedKeyDto(ApiKeyDto Key, string Secret);

public sealed record ApiKeyListDto(IReadOnlyList<ApiKeyDto> Keys);
