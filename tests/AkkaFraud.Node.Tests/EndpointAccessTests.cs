using System.Net;
using System.Net.Http.Headers;
using AkkaFraud.Node.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// Over the node's whole endpoint table, as the app built it (so an endpoint added tomorrow is in it): every endpoint
/// that changes something refuses a request without the admin token and one with a wrong token; the management reads
/// do too on a node whose reads are closed (Console:ReadOpen=false, the default on cluster web nodes), and the rest of
/// the reads stay open.
/// </summary>
public sealed class Endpoint_access
{
    /// <summary>The management reads Console:ReadOpen governs.</summary>
    private static readonly string[] ConsoleReads = ["/api/cluster", "/api/dead-letters"];

    [Fact]
    public async Task Every_mutation_and_every_closed_management_read_refuses_a_missing_or_wrong_token()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Console:ReadOpen=false");
        using var wrong = new HttpClient { BaseAddress = node.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-admin-token-0000");
        var self = Akka.Cluster.Cluster.Get(node.Node.Services.GetRequiredService<Akka.Actor.ActorSystem>()).SelfAddress.ToString();

        var endpoints = Table(node, self);
        Assert.Contains(endpoints, e => e.Method == "PUT" && e.Path.StartsWith("/api/cluster/members/", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Method == "POST" && e.Path == "/api/simulator/inject");
        var checkedEndpoints = 0;
        foreach (var (method, path) in endpoints)
        {
            var isRead = method is "GET" or "HEAD";
            var closed = !isRead || ConsoleReads.Any(p => path.StartsWith(p, StringComparison.Ordinal));
            using var anonymous = await SendAsync(node.Http, method, path);
            using var wrongToken = await SendAsync(wrong, method, path);
            if (closed)
            {
                Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} without a token: {(int)anonymous.StatusCode}, expected 401");
                Assert.Contains("Authorization: Bearer", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.True(wrongToken.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with a wrong token: {(int)wrongToken.StatusCode}, expected 401");
                Assert.Contains("wrong", await wrongToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            else
            {
                Assert.True(anonymous.StatusCode != HttpStatusCode.Unauthorized, $"{method} {path} is an open read but answered 401");
            }

            if (isRead && closed)
            {
                using var admin = await SendAsync(node.Admin, method, path);
                // Let through: a 404 for a route parameter that names nothing (dead letter 0/0) still passed the guard.
                // The body is read only on failure: a server-sent event stream's body never ends.
                if (!admin.IsSuccessStatusCode && admin.StatusCode != HttpStatusCode.NotFound)
                {
                    Assert.Fail($"{method} {path} with the admin token: {(int)admin.StatusCode} {await admin.Content.ReadAsStringAsync()}");
                }
            }

            checkedEndpoints++;
        }

        Assert.True(checkedEndpoints >= 15, $"only {checkedEndpoints} endpoints found");
    }

    /// <summary>
    /// Every routed endpoint with its methods and a concrete path (route parameters filled with values that exist). The
    /// SignalR hub is left out: it only pushes to clients, and who may connect is the hub's concern.
    /// </summary>
    private static List<(string Method, string Path)> Table(TestNode node, string self)
    {
        var sources = node.Node.Services.GetRequiredService<EndpointDataSource>();
        var table = new List<(string, string)>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods || endpoint.Metadata.GetMetadata<HubMetadata>() is not null)
            {
                continue;
            }

            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "address" } => self,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "region" } => "account",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => "0",
                _ => string.Empty,
            }))));
            table.AddRange(methods.HttpMethods.Select(m => (m, path)));
        }

        return table;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method is not ("GET" or "HEAD" or "DELETE"))
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        // Headers only: the status is all this test reads, and a server-sent event stream never ends.
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
