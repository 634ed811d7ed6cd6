using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AkkaFraud.Node.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// An identity provider's tokens as bearer credentials, signed here with a test key the node is configured to trust
/// (Security:Jwt:SigningKey), so no identity provider is needed: what is accepted, with which role, and why the rest
/// is refused.
/// </summary>
public sealed class Identity_provider_tokens
{
    private const string SigningKey = "test-signing-key-of-the-identity-provider-0123456789";
    private const string Issuer = "https://idp.test/realms/bank";
    private const string Audience = "akkafraud";

    private static readonly string[] Settings =
    [
        "Simulator:Enabled=false", "Security:AnonymousRole=none",
        $"Security:Jwt:SigningKey={SigningKey}", $"Security:Jwt:Issuer={Issuer}", $"Security:Jwt:Audience={Audience}",
    ];

    [Fact]
    public async Task A_valid_token_grants_the_highest_role_it_names_and_the_audit_names_its_subject()
    {
        await using var node = await TestNode.StartAsync(Settings);

        var analyst = Token(claims: [new("role", "analyst")]);
        var me = await SendAsync(node, HttpMethod.Get, "/api/me", analyst);
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal((true, "Alice Analyst", "analyst", "jwt"),
            (me.Json.GetProperty("authenticated").GetBoolean(), me.Json.GetProperty("name").GetString(), me.Json.GetProperty("role").GetString(), me.Json.GetProperty("via").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(node, HttpMethod.Get, "/api/totals", analyst)).Status);
        var refused = await SendAsync(node, HttpMethod.Put, "/api/simulator/rate", analyst, new { transactionsPerSecond = 5 });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("needs operator", refused.Json.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Of several roles (a JSON array in the token), the highest the node knows counts; unknown ones are ignored.
        var several = Token(claims: [new("role", "viewer"), new("role", "auditor"), new("role", "admin")]);
        var made = await SendAsync(node, HttpMethod.Post, "/api/keys", several, new { name = "from-token", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, made.Status);
        Assert.Equal("Alice Analyst", made.Json.GetProperty("key").GetProperty("createdBy").GetString());

        var record = (await node.GetJsonAsync("/api/audit?limit=1", node.Admin)).GetProperty("records")[0];
        Assert.Equal(("CreateKey", "user-42", "Alice Analyst", "admin", "jwt"),
            (record.GetProperty("action").GetString(), record.GetProperty("actorId").GetString(), record.GetProperty("actor").GetString(),
                record.GetProperty("role").GetString(), record.GetProperty("via").GetString()));

        // API keys and the admin token keep working beside tokens.
        Assert.Equal(HttpStatusCode.OK, (await node.Admin.GetAsync(new Uri("/api/keys", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("expired", "expired at")]
    [InlineData("wrong audience", "not for this node's audience 'akkafraud'")]
    [InlineData("wrong signature", "signature does not verify")]
    [InlineData("wrong issuer", "does not trust")]
    [InlineData("no role claim", "no role this node knows in its 'role' claim")]
    [InlineData("unknown role only", "no role this node knows")]
    [InlineData("no expiry", "no expiry")]
    public async Task A_token_is_refused_with_the_reason(string flaw, string saying)
    {
        await using var node = await TestNode.StartAsync(Settings);
        var now = DateTime.UtcNow;
        var token = flaw switch
        {
            "expired" => Token(expires: now.AddMinutes(-5), notBefore: now.AddMinutes(-65)),
            "wrong audience" => Token(audience: "payments"),
            "wrong signature" => Token(key: "another-key-that-nobody-configured-0123456789abcdef"),
            "wrong issuer" => Token(issuer: "https://evil.test"),
            "no role claim" => Token(claims: []),
            "unknown role only" => Token(claims: [new("role", "superuser")]),
            "no expiry" => Token(noExpiry: true),
            _ => throw new ArgumentOutOfRangeException(nameof(flaw)),
        };

        var answer = await SendAsync(node, HttpMethod.Get, "/api/totals", token);
        Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"{flaw}: {(int)answer.Status} {answer.Json}");
        Assert.Contains(saying, answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        var me = await SendAsync(node, HttpMethod.Get, "/api/me", token);
        Assert.False(me.Json.GetProperty("authenticated").GetBoolean(), $"{flaw}: /api/me took the token");
    }

    [Fact]
    public async Task The_hub_accepts_a_token_as_access_token()
    {
        await using var node = await TestNode.StartAsync(Settings[1..]);
        var snapshots = new ConcurrentQueue<JsonElement>();
        var viewer = Token(claims: [new("role", "viewer")]);
        await using var hub = node.Hub(o => o.AccessTokenProvider = () => Task.FromResult<string?>(viewer));
        hub.On<JsonElement>("metrics", snapshots.Enqueue);
        await hub.StartAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!snapshots.IsEmpty), TimeSpan.FromSeconds(30), "a metrics snapshot on the token's connection");
    }

    [Theory]
    [InlineData("Security:Jwt:SigningKey=short", "too short")]
    [InlineData("Security:Jwt:Audience=", "Audience is not set")]
    public async Task A_misconfigured_identity_provider_stops_the_node_with_a_sentence(string setting, string saying)
    {
        var error = await Assert.ThrowsAsync<AkkaFraud.Node.Hosting.NodeConfigurationException>(() =>
            TestNode.StartAsync([.. Settings.Where(s => !s.StartsWith(setting.Split('=')[0] + "=", StringComparison.Ordinal)), setting]));
        Assert.Contains(saying, error.Message, StringComparison.Ordinal);
    }

    private static string Token(
        Claim[]? claims = null, string audience = Audience, string issuer = Issuer, string key = SigningKey,
        DateTime? expires = null, DateTime? notBefore = null, bool noExpiry = false)
    {
        var now = DateTime.UtcNow;
        var subject = new ClaimsIdentity([new Claim("sub", "user-42"), new Claim("name", "Alice Analyst"), .. claims ?? [new Claim("role", "viewer")]]);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = subject,
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = noExpiry ? null : expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    private sealed record Answer(HttpStatusCode Status, JsonElement Json);

    private static async Task<Answer> SendAsync(TestNode node, HttpMethod method, string path, string token, object? body = null)
    {
        using var client = new HttpClient { BaseAddress = node.BaseAddress };
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }
}
