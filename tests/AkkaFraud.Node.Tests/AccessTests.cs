using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AkkaFraud.Node.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace AkkaFraud.Node.Tests;

/// <summary>API keys through the API, the identity a request has, and who may connect to the live hub.</summary>
public sealed class Access
{
    [Fact]
    public async Task Each_mutation_leaves_exactly_one_audit_record_with_its_identity_and_answer_and_no_secret()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:AnonymousRole=none");
        using var created = await node.Admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name = "ops", role = "operator" });
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
        var keyId = secret.Split('_')[1];
        using var ops = new HttpClient { BaseAddress = node.BaseAddress };
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var anonymous = new HttpClient { BaseAddress = node.BaseAddress };

        // Reads are not mutations: these leave nothing.
        await node.Admin.GetStringAsync(new Uri("/api/keys", UriKind.Relative));
        await ops.GetStringAsync(new Uri("/api/totals", UriKind.Relative));

        var asked = new (HttpClient Client, HttpMethod Method, string Path, object? Body, int Status)[]
        {
            (node.Admin, HttpMethod.Post, "/api/keys", new { name = "bad", role = "superuser" }, 400),
            // This node runs no simulator: the node's own 404 is recorded as what it is, a failure.
            (ops, HttpMethod.Put, "/api/simulator/rate", new { transactionsPerSecond = 5 }, 404),
            (ops, HttpMethod.Post, "/api/keys", new { name = "sneaky", role = "admin" }, 403),
            (anonymous, HttpMethod.Put, "/api/simulator/rate", new { transactionsPerSecond = 9 }, 401),
            (node.Admin, HttpMethod.Delete, $"/api/keys/{keyId}", null, 200),
        };
        foreach (var (client, method, path, body, status) in asked)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
            using var answer = await client.SendAsync(request);
            Assert.True((int)answer.StatusCode == status, $"{method} {path}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }

        // The record is written once the answer is given: wait for all six (the key's creation is the first).
        JsonElement[] records = [];
        var text = "";
        for (var attempt = 0; attempt < 50 && records.Length < 6; attempt++)
        {
            text = await node.Admin.GetStringAsync(new Uri("/api/audit", UriKind.Relative));
            records = [.. JsonDocument.Parse(text).RootElement.GetProperty("records").EnumerateArray()];
            await Task.Delay(records.Length < 6 ? 100 : 0);
        }

        var seen = Enumerable.Reverse(records).Select(r => (
            r.GetProperty("action").GetString(), r.GetProperty("method").GetString(), r.GetProperty("path").GetString(),
            r.GetProperty("actor").GetString(), r.GetProperty("role").GetString(), r.GetProperty("via").GetString(),
            r.GetProperty("status").GetInt32(), r.GetProperty("outcome").GetString())).ToList();
        Assert.Equal(
        [
            ("CreateKey", "POST", "/api/keys", "admin token", "admin", "admin-token", 201, "ok"),
            ("CreateKey", "POST", "/api/keys", "admin token", "admin", "admin-token", 400, "failed"),
            ("SetSimulatorRate", "PUT", "/api/simulator/rate", "ops", "operator", "api-key", 404, "failed"),
            ("CreateKey", "POST", "/api/keys", "ops", "operator", "api-key", 403, "refused"),
            ("SetSimulatorRate", "PUT", "/api/simulator/rate", null, null, "anonymous", 401, "refused"),
            ("RevokeKey", "DELETE", $"/api/keys/{keyId}", "admin token", "admin", "admin-token", 200, "ok"),
        ], seen);
        Assert.All(records, r => Assert.Equal("127.0.0.1", r.GetProperty("remoteAddress").GetString()));
        Assert.Equal(keyId, records.Single(r => r.GetProperty("actor").GetString() == "ops" && r.GetProperty("status").GetInt32() == 404).GetProperty("actorId").GetString());
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestNode.AdminToken, text, StringComparison.Ordinal);

        // Newest first, in pages: 'next' reads the older ones.
        var first = JsonDocument.Parse(await node.Admin.GetStringAsync(new Uri("/api/audit?limit=4", UriKind.Relative))).RootElement;
        Assert.Equal(4, first.GetProperty("records").GetArrayLength());
        var older = JsonDocument.Parse(await node.Admin.GetStringAsync(new Uri($"/api/audit?limit=4&before={first.GetProperty("next").GetInt64()}", UriKind.Relative))).RootElement;
        Assert.Equal(2, older.GetProperty("records").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, older.GetProperty("next").ValueKind);
        using var badLimit = await node.Admin.GetAsync(new Uri("/api/audit?limit=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task A_key_is_shown_once_grants_its_role_and_once_revoked_grants_nothing()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:AnonymousRole=none");

        using var created = await node.Admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name = "alice", role = "analyst" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var secret = body.GetProperty("secret").GetString()!;
        var keyId = body.GetProperty("key").GetProperty("keyId").GetString()!;
        Assert.StartsWith($"akf_{keyId}_", secret, StringComparison.Ordinal);
        Assert.Equal($"/api/keys/{keyId}", created.Headers.Location?.ToString());

        // Listed with its creator and state, never with its secret or digest.
        var list = await node.Admin.GetStringAsync(new Uri("/api/keys", UriKind.Relative));
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain((await node.Store.GetApiKeyAsync(keyId))!.SecretDigest, list, StringComparison.Ordinal);
        var listed = Assert.Single(JsonDocument.Parse(list).RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(("alice", "analyst", "admin token", "active"), (listed.GetProperty("name").GetString(), listed.GetProperty("role").GetString(),
            listed.GetProperty("createdBy").GetString(), listed.GetProperty("state").GetString()));

        using var alice = new HttpClient { BaseAddress = node.BaseAddress };
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var me = JsonDocument.Parse(await alice.GetStringAsync(new Uri("/api/me", UriKind.Relative))).RootElement;
        Assert.Equal(("alice", keyId, "analyst", "api-key"), (me.GetProperty("name").GetString(), me.GetProperty("keyId").GetString(),
            me.GetProperty("role").GetString(), me.GetProperty("via").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(new Uri("/api/alerts", UriKind.Relative))).StatusCode);

        // The mistakes an admin can make, each a 400 or 409 that says what to do.
        foreach (var (request, status, saying) in new (object, HttpStatusCode, string)[]
        {
            (new { name = "alice", role = "viewer" }, HttpStatusCode.Conflict, "revoke it first"),
            (new { name = "bob", role = "superuser" }, HttpStatusCode.BadRequest, "viewer, analyst, operator or admin"),
            (new { name = "bob smith", role = "viewer" }, HttpStatusCode.BadRequest, "'name'"),
            (new { name = "bob", role = "viewer", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, HttpStatusCode.BadRequest, "has passed"),
        })
        {
            using var refused = await node.Admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), request);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == status && text.Contains(saying, StringComparison.Ordinal), $"{JsonSerializer.Serialize(request)}: {(int)refused.StatusCode} {text}");
        }

        using (var revoke = await node.Admin.DeleteAsync(new Uri($"/api/keys/{keyId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        using var afterRevoke = await alice.GetAsync(new Uri("/api/alerts", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Contains("revoked", await afterRevoke.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Admin.DeleteAsync(new Uri($"/api/keys/{keyId}", UriKind.Relative))).StatusCode);

        // The name is free again for a new key.
        using var renewed = await node.Admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name = "alice", role = "analyst" });
        Assert.Equal(HttpStatusCode.Created, renewed.StatusCode);
    }

    [Fact]
    public async Task The_hub_refuses_an_anonymous_client_where_anonymous_has_no_role_and_serves_a_viewer()
    {
        await using var node = await TestNode.StartAsync("Security:AnonymousRole=none");

        await using var anonymous = node.Hub();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var created = await node.Admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name = "wallboard", role = "viewer" });
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
        var snapshots = new ConcurrentQueue<JsonElement>();
        await using var viewer = node.Hub(o => o.AccessTokenProvider = () => Task.FromResult<string?>(secret));
        viewer.On<JsonElement>("metrics", snapshots.Enqueue);
        await viewer.StartAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!snapshots.IsEmpty), TimeSpan.FromSeconds(30), "a metrics snapshot on the viewer's connection");
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers_and_an_oversized_body_is_refused()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:AnonymousRole=none");
        foreach (var path in new[] { "/", "/api/totals", "/ready", "/api/no-such-endpoint", "/openapi/v1.json" })
        {
            using var response = await node.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"GET {path} ({(int)response.StatusCode}) has no Content-Security-Policy");
            Assert.Contains("frame-ancestors 'none'", Assert.Single(csp), StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", Assert.Single(csp), StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), $"GET {path} allows another origin");
        }

        using var huge = new StringContent("{\"letters\": [" + new string(' ', 2 * 1024 * 1024) + "]}", System.Text.Encoding.UTF8, "application/json");
        using var refused = await node.Admin.PostAsync(new Uri("/api/dead-letters/replay", UriKind.Relative), huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    [Fact]
    public async Task Requests_past_an_address_limit_are_answered_429_and_recorded_but_probes_are_not_limited()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:RequestsPerMinute=10");
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await node.Http.GetAsync(new Uri("/api/totals", UriKind.Relative));
            answers.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 10), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        using var limited = await node.Admin.PutAsJsonAsync(new Uri("/api/simulator/rate", UriKind.Relative), new { transactionsPerSecond = 5 });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("60", Assert.Single(limited.Headers.GetValues("Retry-After")));
        Assert.Contains("Security:RequestsPerMinute is 10", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync(new Uri("/ready", UriKind.Relative))).StatusCode);
        }

        // The refused change is in the audit log, read straight from the warehouse: the API would answer 429 too.
        var record = (await node.Store.GetAuditAsync(null, 1))[0];
        Assert.Equal(("SetSimulatorRate", 429), (record.Action, record.Status));
    }

    [Fact]
    public async Task Embedded_mode_lets_a_request_without_credentials_read_but_not_change_anything()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false");
        var me = JsonDocument.Parse(await node.Http.GetStringAsync(new Uri("/api/me", UriKind.Relative))).RootElement;
        Assert.Equal((false, "viewer", "anonymous"), (me.GetProperty("authenticated").GetBoolean(), me.GetProperty("role").GetString(), me.GetProperty("via").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync(new Uri("/api/cluster/members", UriKind.Relative))).StatusCode);
        using var change = await node.Http.PutAsJsonAsync(new Uri("/api/simulator/rate", UriKind.Relative), new { transactionsPerSecond = 1 });
        Assert.Equal(HttpStatusCode.Unauthorized, change.StatusCode);
        Assert.Contains("needs the operator role", await change.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
