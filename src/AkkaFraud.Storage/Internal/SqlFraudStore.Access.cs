using System.Data.Common;

namespace AkkaFraud.Storage.Internal;

/// <summary>The store's <see cref="IAccessStore"/> part: API keys, sessions and the audit log, on either database.</summary>
internal sealed partial class SqlFraudStore
{
    private const string ApiKeyColumns = "key_id, name, role, secret_digest, created_by, created_at, expires_at, revoked_at";
    private const string AuditColumns = "at, actor_id, actor, role, via, action, method, path, remote_address, status";

    public async Task<bool> TryAddApiKeyAsync(StoredApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // ON CONFLICT DO NOTHING without a target: the unique index on the names of keys not revoked is the conflict.
        var added = await ExecuteAsync("add api key", $"""
            INSERT INTO api_keys ({ApiKeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
            """, [key.KeyId, key.Name, key.Role, key.SecretDigest, key.CreatedBy, _dialect.Time(key.CreatedAt), OptionalTime(key.ExpiresAt), OptionalTime(key.RevokedAt)],
            cancellationToken);
        return added == 1;
    }

    public async Task<StoredApiKey?> GetApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var keys = await QueryAsync("read api key", $"SELECT {ApiKeyColumns} FROM api_keys WHERE key_id = $1", [keyId], ReadApiKey, cancellationToken);
        return keys.Count == 0 ? null : keys[0];
    }

    public Task<IReadOnlyList<StoredApiKey>> GetApiKeysAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("read api keys", $"SELECT {ApiKeyColumns} FROM api_keys ORDER BY created_at, key_id", [], ReadApiKey, cancellationToken);

    public async Task<bool> RevokeApiKeyAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var revoked = await ExecuteAsync("revoke api key", "UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL",
            [keyId, _dialect.Time(at)], cancellationToken);
        return revoked == 1;
    }

    public async Task AddSessionAsync(StoredSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await ExecuteAsync("forget expired sessions", "DELETE FROM sessions WHERE expires_at <= $1", [_dialect.Time(session.CreatedAt)], cancellationToken);
        await ExecuteAsync("add session", "INSERT INTO sessions (session_digest, credential, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            [session.SessionDigest, session.Credential, _dialect.Time(session.CreatedAt), _dialect.Time(session.ExpiresAt)], cancellationToken);
    }

    public async Task<StoredSession?> GetSessionAsync(string sessionDigest, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionDigest);
        var sessions = await QueryAsync("read session",
            "SELECT session_digest, credential, created_at, expires_at FROM sessions WHERE session_digest = $1 AND expires_at > $2",
            [sessionDigest, _dialect.Time(now)],
            r => new StoredSession(r.GetString(0), r.GetString(1), _dialect.ReadTime(r, 2), _dialect.ReadTime(r, 3)), cancellationToken);
        return sessions.Count == 0 ? null : sessions[0];
    }

    public async Task<bool> EndSessionAsync(string sessionDigest, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionDigest);
        return await ExecuteAsync("end session", "DELETE FROM sessions WHERE session_digest = $1", [sessionDigest], cancellationToken) == 1;
    }

    public Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ExecuteAsync("append audit record", $"INSERT INTO audit_log ({AuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [_dialect.Time(record.At), Optional(record.ActorId), Optional(record.Actor), Optional(record.Role), record.Via, record.Action,
                record.Method, record.Path, Optional(record.RemoteAddress), record.Status], cancellationToken);
    }

    public Task<IReadOnlyList<AuditRecord>> GetAuditAsync(long? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return QueryAsync("read audit log",
            $"SELECT id, {AuditColumns} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2", [before ?? long.MaxValue, limit],
            r => new AuditRecord(r.GetInt64(0), _dialect.ReadTime(r, 1), OptionalText(r, 2), OptionalText(r, 3), OptionalText(r, 4),
                r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), OptionalText(r, 9), r.GetInt32(10)), cancellationToken);
    }

    private static object Optional(string? text) => (object?)text ?? DBNull.Value;

    private static string? OptionalText(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private object OptionalTime(DateTimeOffset? time) => time is { } t ? _dialect.Time(t) : DBNull.Value;

    private StoredApiKey ReadApiKey(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), _dialect.ReadTime(r, 5),
        r.IsDBNull(6) ? null : _dialect.ReadTime(r, 6),
        r.IsDBNull(7) ? null : _dialect.ReadTime(r, 7));

    /// <summary>One statement outside any batch, on a connection of its own; the rows it changed.</summary>
    private Task<int> ExecuteAsync(string operation, string sql, object[] values, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(operation, async (_, ct) =>
        {
            await using var connection = await _dialect.OpenAsync(ct);
            await using var command = Command(connection, null, sql, values);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
