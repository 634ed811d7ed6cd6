using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaFraud.Node.Apis;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.TestSupport;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// The dashboard's TypeScript types are generated at build time from src/AkkaFraud.Dashboard/openapi/v1.json, a
/// committed copy of the node's OpenAPI document: these tests keep that copy equal to what the node serves.
/// </summary>
[Collection(SharedNodeTests.Name)]
public sealed class The_dashboards_copy_of_the_openapi_document(SharedNode shared)
{
    private const string CommittedPath = "src/AkkaFraud.Dashboard/openapi/v1.json";

    private static readonly JsonSerializerOptions Written = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The served document without <c>servers</c>, which names the address the request came to.</summary>
    private async Task<JsonObject> ServedAsync()
    {
        var served = JsonNode.Parse(await shared.Node.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!.AsObject();
        served.Remove("servers");
        return served;
    }

    [Fact]
    public async Task Is_what_the_node_serves()
    {
        var root = RepositoryRoot.Path;
        var served = await ServedAsync();
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, CommittedPath)));

        if (!JsonNode.DeepEquals(served, committed))
        {
            var fresh = Path.Combine(root, "artifacts", "openapi", "v1.json");
            Directory.CreateDirectory(Path.GetDirectoryName(fresh)!);
            await File.WriteAllTextAsync(fresh, served.ToJsonString(Written) + "\n");
            Assert.Fail($"The node's contract changed, but {CommittedPath} (the dashboard's types are generated from it) did not. "
                + $"The served document is in {fresh}: review it, then `cp {Path.GetRelativePath(root, fresh)} {CommittedPath}` and rebuild the dashboard.");
        }
    }

    [Fact]
    public async Task Describes_what_the_live_hub_pushes()
    {
        var served = await ServedAsync();
        var schemas = served["components"]!["schemas"]!.AsObject();

        Assert.All(OpenApiHosting.HubPayloads, payload =>
        {
            Assert.True(schemas.ContainsKey(payload.Payload.Name), $"the document has no schema {payload.Payload.Name} for the hub's \"{payload.Method}\"");
            Assert.Contains($"\"{payload.Method}\"", served["info"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        var alert = schemas["AlertDto"]!["properties"]!.AsObject();
        Assert.Superset(new HashSet<string> { "alertId", "transactionId", "accountId", "amount", "decision", "reasons", "committedAt" }, alert.Select(p => p.Key).ToHashSet());
        var metrics = schemas["MetricsSnapshot"]!["properties"]!.AsObject();
        Assert.Superset(new HashSet<string> { "at", "scorerNodes", "consumedPerSecond", "p99LatencyMs", "totals", "ruleHits", "topAccounts", "ingestGaps" }, metrics.Select(p => p.Key).ToHashSet());
    }
}
