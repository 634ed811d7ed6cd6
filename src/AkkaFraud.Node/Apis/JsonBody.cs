using System.Text.Json;

namespace AkkaFraud.Node.Apis;

/// <summary>Reads a request's JSON body into a value, or a message that says what was wrong and shows an example.</summary>
internal static class JsonBody
{
    public static async Task<(T? Body, string? Error)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, string example, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, $"Send a JSON body with 'Content-Type: application/json', e.g. {example}.");
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken);
            return body is null ? (null, $"The body is empty: send e.g. {example}.") : (body, null);
        }
        catch (JsonException e)
        {
            return (null, $"The body is not valid JSON of the expected shape ({e.Message}); send e.g. {example}.");
        }
    }
}
