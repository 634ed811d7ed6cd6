using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AkkaFraud.Node.Security;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.TestSupport;
using AkkaFraud.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// Over the node's whole endpoint table, as the app built it (so an endpoint added tomorrow is in it), the live hub
/// included: each endpoint declares its least role or that it is public; for each, no credentials, a wrong key, an
/// expired key, a revoked key and a key of each role get what that declaration says (401, 403 or through), on a node
/// that gives requests without credentials no role (as a cluster does). The README's role table is this table.
/// </summary>
public sealed class Endpoint_access
{
    /// <summary>A member address no cluster has: leave and down of it pass the guard and then answer 404, changing nothing.</summary>
    private const string NoMember = "akka.tcp://akkafraud@127.0.0.9:1";

    [Fact]
    public async Task Every_endpoint_answers_each_credential_as_its_declared_role_says()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:AnonymousRole=none");
        var credentials = await CredentialsAsync(node);
        var endpoints = Table(node);
        Assert.Contains(endpoints, e => e.Method == "POST" && e.Path == "/api/simulator/inject" && e.Role == Role.Operator);
        Assert.Contains(endpoints, e => e.Method == "POST" && e.Path == "/hubs/live/negotiate" && e.Role == Role.Viewer);
        Assert.Contains(endpoints, e => e.Method == "POST" && e.Path == "/api/keys" && e.Role == Role.Admin);

        foreach (var (method, path, _, role) in endpoints)
        {
            using var anonymous = await SendAsync(node.Http, method, path, null);
            if (role is not { } needed)
            {
                Assert.True(anonymous.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {path} is public but answered {(int)anonymous.StatusCode}");
                continue;
            }

            await AssertRefusedAsync(anonymous, HttpStatusCode.Unauthorized, "Authorization: Bearer", method, path, "without credentials");
            await AssertRefusedAsync(await SendAsync(node.Http, method, path, "akf_00000000deadbeef_wrongwrongwrong"), HttpStatusCode.Unauthorized, "not known", method, path, "with a wrong key");
            await AssertRefusedAsync(await SendAsync(node.Http, method, path, "not-a-key-at-all-0000"), HttpStatusCode.Unauthorized, "neither the admin token", method, path, "with garbage");
            await AssertRefusedAsync(await SendAsync(node.Http, method, path, credentials.Expired), HttpStatusCode.Unauthorized, "expired", method, path, "with an expired key");
            await AssertRefusedAsync(await SendAsync(node.Http, method, path, credentials.Revoked), HttpStatusCode.Unauthorized, "revoked", method, path, "with a revoked key");
            foreach (var (keyRole, key) in credentials.ByRole)
            {
                using var response = await SendAsync(node.Http, method, path, key);
                if (keyRole < needed)
                {
                    await AssertRefusedAsync(response, HttpStatusCode.Forbidden, $"needs {Roles.Name(needed)}", method, path, $"as {Roles.Name(keyRole)}");
                }
                else if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    Assert.Fail($"{method} {path} as {Roles.Name(keyRole)} (it needs {Roles.Name(needed)}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(endpoints.Count >= 25, $"only {endpoints.Count} endpoints found");
    }

    [Fact]
    public async Task The_readme_role_table_is_the_endpoint_table()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false");
        var expected = Table(node)
            .Select(e => $"| `{e.Method} {e.Pattern}` | {(e.Role is { } r ? Roles.Name(r) : "public")} |")
            .Distinct().Order(StringComparer.Ordinal).ToList();
        // Written out for whoever changes an endpoint: paste it into the README under the marker.
        var generated = Path.Combine(RepositoryRoot.Path, "artifacts", "roles.md");
        Directory.CreateDirectory(Path.GetDirectoryName(generated)!);
        File.WriteAllLines(generated, ["| Endpoint | Least role |", "|---|---|", .. expected]);
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        const string Start = "<!-- role table: tested against the endpoint table -->";
        var start = readme.IndexOf(Start, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no line '{Start}' before its role table");
        var rows = readme[(start + Start.Length)..].Split('\n').Select(l => l.Trim()).SkipWhile(l => l.Length == 0)
            .TakeWhile(l => l.StartsWith('|')).Skip(2).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(rows), $"README.md's role table differs from the endpoint table: paste {generated} under '{Start}'");
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode expected, string saying, string method, string path, string how)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{method} {path} {how}: {(int)response.StatusCode} {body}, expected {(int)expected}");
            Assert.Contains(saying, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
    }

    private sealed record Keys(IReadOnlyList<(Role Role, string Key)> ByRole, string Expired, string Revoked);

    /// <summary>A key of each role, made through the API with the admin token; an expired one (written to the store as the API refuses to make one) and a revoked one.</summary>
    private static async Task<Keys> CredentialsAsync(TestNode node)
    {
        async Task<(string Id, string Secret)> Create(string name, string role)
        {
            using var response = await node.Admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name, role });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"create key {name}: {(int)response.StatusCode} {body}");
            var json = JsonDocument.Parse(body).RootElement;
            return (json.GetProperty("key").GetProperty("keyId").GetString()!, json.GetProperty("secret").GetString()!);
        }

        var byRole = new List<(Role, string)>();
        foreach (var role in Roles.All)
        {
            byRole.Add((role, (await Create("table-" + Roles.Name(role), Roles.Name(role))).Secret));
        }

        var revoked = await Create("table-revoked", "admin");
        using (var response = await node.Admin.DeleteAsync(new Uri($"/api/keys/{revoked.Id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (expiredId, expired) = ApiKeyFormat.Create();
        var past = DateTimeOffset.UtcNow.AddHours(-1);
        Assert.True(await node.Store.TryAddApiKeyAsync(new StoredApiKey(expiredId, "table-expired", "admin", ApiKeyFormat.Digest(expired), "test", past.AddDays(-1), past, null)));
        return new Keys(byRole, expired, revoked.Secret);
    }

    /// <summary>
    /// Every routed endpoint: its method, its pattern, a concrete path (route parameters filled with values that pass the
    /// guard and then change nothing) and its declared role (null: public). An endpoint that declares neither fails here.
    /// </summary>
    private static List<(string Method, string Path, string Pattern, Role? Role)> Table(TestNode node)
    {
        var sources = node.Node.Services.GetRequiredService<EndpointDataSource>();
        var table = new List<(string, string, string, Role?)>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            // Endpoints of every method are asked as their clients call them: the hub's negotiation with POST, the rest with GET.
            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declaredMethods
                ? declaredMethods
                : endpoint.RoutePattern.RawText!.EndsWith("/negotiate", StringComparison.Ordinal) ? ["POST"] : ["GET"];

            var declared = endpoint.Metadata.GetMetadata<MinimumRole>();
            var isPublic = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            Assert.True(declared is not null ^ isPublic,
                $"{endpoint.DisplayName} ({endpoint.RoutePattern.RawText}) must declare exactly one of .RequireRole(Role.X) and .AllowAnonymous()");
            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "address" } => NoMember,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "region" } => "account",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => "0",
                _ => string.Empty,
            }))));
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            table.AddRange(methods.Select(m => (m, path, pattern, declared?.Role)));
        }

        return table;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (method is not ("GET" or "HEAD" or "DELETE"))
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        // Headers only: the status is what counts, and a server-sent event stream never ends.
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
