using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Live;

namespace AkkaFraud.Node.Apis;

/// <summary>
/// The node ↔ dashboard contract as one OpenAPI document at <c>/openapi/v1.json</c>: camelCase JSON, ISO-8601 UTC
/// times, enum values as <c>WireNames</c> spells them, absent optional fields null; the shapes are the records in
/// Contracts/. The live hub's payloads are pushed by no HTTP operation, so the document would leave them out: they are
/// added as named schemas, and the dashboard's TypeScript types are generated for them like for the rest. The
/// dashboard generates from a committed copy of this document (src/AkkaFraud.Dashboard/openapi/v1.json) that a test
/// of the node keeps equal to what the node serves.
/// </summary>
internal static class OpenApiHosting
{
    /// <summary>What <see cref="LiveHub"/> pushes: the client method and the schema of its payload (an array where the method sends a list).</summary>
    public static readonly IReadOnlyList<(string Method, Type Payload, bool IsArray)> HubPayloads =
    [
        ("alerts", typeof(AlertDto), true),
        ("metrics", typeof(MetricsSnapshot), false),
        ("membership", typeof(MemberDto), true),
    ];

    public static IServiceCollection AddNodeOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
        options.AddDocumentTransformer(async (document, context, cancellationToken) =>
        {
            document.Components ??= new();
            document.Components.Schemas ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSchema>(StringComparer.Ordinal);
            foreach (var (_, payload, _) in HubPayloads)
            {
                if (!document.Components.Schemas.ContainsKey(payload.Name))
                {
                    document.Components.Schemas[payload.Name] = await context.GetOrCreateSchemaAsync(payload, cancellationToken: cancellationToken);
                }
            }

            // Named here, not after the entry assembly (which is the test host under tests), so every host serves the same document.
            document.Info.Title = "AkkaFraud.Node";
            document.Info.Version = "v1";
            document.Info.Description = $"The live hub {LiveHub.Path} (SignalR, server to client only) pushes "
                + string.Join(", ", HubPayloads.Select(p => $"\"{p.Method}\" ({p.Payload.Name}{(p.IsArray ? "[]" : string.Empty)})"))
                + "; its payload schemas are among the components below.";
        }));
}
