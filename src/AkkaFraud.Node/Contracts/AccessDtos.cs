namespace AkkaFraud.Node.Contracts;

/// <summary>Who this request is, as the node sees it.</summary>
/// <param name="Authenticated">Whether it carried a credential the node accepted.</param>
/// <param name="Name">The key's name ("admin token" for the admin token); null when anonymous.</param>
/// <param name="KeyId">The key's id; null when anonymous or the admin token.</param>
/// <param name="Role">The role in force: the credential's, or the anonymous role of this node (null for none).</param>
/// <param name="Via">"api-key", "admin-token", "session", "jwt" or "anonymous".</param>
/// <param name="CsrfToken">For a request of a browser session: the token its changes send as X-CSRF-Token; null otherwise.</param>
public sealed record WhoAmIDto(bool Authenticated, string? Name, string? KeyId, string? Role, string Via, string? CsrfToken);

/// <summary>Sign-in: the API key or admin token that opens a browser session.</summary>
public sealed record SignInRequest(string? Key);

/// <summary>A browser session just opened; its cookie came with the answer.</summary>
/// <param name="Name">Who signed in: the key's name, or "admin token".</param>
/// <param name="Role">The role the session has.</param>
/// <param name="Via">"session".</param>
/// <param name="CsrfToken">What every change of this session sends as X-CSRF-Token.</param>
/// <param name="ExpiresAt">When the session ends unless signed out before.</param>
public sealed record SessionDto(string Name, string Role, string Via, string CsrfToken, DateTimeOffset ExpiresAt);

/// <summary>A new API key: its name, its role and, optionally, when it expires.</summary>
public sealed record CreateKeyRequest(string? Name, string? Role, DateTimeOffset? ExpiresAt);

/// <summary>An API key as listed: never its secret.</summary>
public sealed record ApiKeyDto(
    string KeyId, string Name, string Role, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string State);

/// <summary>A key just created: the one time its secret is shown.</summary>
public sealed record CreatedKeyDto(ApiKeyDto Key, string Secret);

public sealed record ApiKeyListDto(IReadOnlyList<ApiKeyDto> Keys);

/// <summary>One mutation the API was asked for, granted or not.</summary>
/// <param name="Id">Its number in the log: higher is later.</param>
/// <param name="At">When it was answered.</param>
/// <param name="Actor">The identity's name; null for an anonymous request (or one whose credential was refused).</param>
/// <param name="ActorId">The key's id or "admin-token"; null when anonymous.</param>
/// <param name="Role">The identity's role; null when anonymous.</param>
/// <param name="Via">"api-key", "admin-token", "session", "jwt" or "anonymous".</param>
/// <param name="Action">The endpoint's name, e.g. "CreateKey" or "SetSimulatorRate".</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, without its query.</param>
/// <param name="RemoteAddress">The client's address as the node saw it.</param>
/// <param name="Status">The answer's HTTP status.</param>
/// <param name="Outcome">"ok" (2xx or 3xx), "refused" (401, 403 or 429) or "failed" (any other).</param>
public sealed record AuditRecordDto(
    long Id, DateTimeOffset At, string? Actor, string? ActorId, string? Role, string Via, string Action, string Method, string Path,
    string? RemoteAddress, int Status, string Outcome);

/// <summary>A page of the audit log, newest first.</summary>
/// <param name="Records">The records.</param>
/// <param name="Next">The <c>before</c> that reads the next, older page; null on the last page.</param>
public sealed record AuditPageDto(IReadOnlyList<AuditRecordDto> Records, long? Next);
