using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AkkaFraud.Node.Contracts;

namespace AkkaFraud.Cli;

/// <summary>
/// The node's HTTP API as the CLI uses it. Every failure becomes a <see cref="CliException"/> whose message says what
/// happened and what to do, with the exit code a script can test.
/// </summary>
internal sealed class NodeClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public NodeClient(Uri url, string? token)
    {
        Url = url;
        Token = token;
        _http = new HttpClient { BaseAddress = url, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Url { get; }

    /// <summary>The credential every request carries (also to the live hub); null for none.</summary>
    public string? Token { get; }

    /// <summary>The body of a successful GET, as the node sent it (what <c>--json</c> prints).</summary>
    public Task<string> GetTextAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, Relative(path)), cancellationToken);

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        Parse<T>(await GetTextAsync(path, cancellationToken), path);

    public async Task<string> SendJsonAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, Relative(path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return await SendAsync(request, cancellationToken);
    }

    /// <summary>A server-sent event stream: each event's name and data, until the node ends it or the token is cancelled.</summary>
    public async IAsyncEnumerable<(string Type, string Data)> EventsAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await Call(() => _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken), path, null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), path);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var (type, data) = ("message", new StringBuilder());
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return (type, data.ToString());
                }

                (type, data) = ("message", new StringBuilder());
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                type = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(line[5..].TrimStart());
            }
        }
    }

    public T Parse<T>(string body, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json) ?? throw new JsonException("null");
        }
        catch (JsonException)
        {
            throw NotOurApi(path);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var path = request.RequestUri!.ToString();
            using var response = await Call(() => _http.SendAsync(request, timeout.Token), path, timeout.Token, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return response.IsSuccessStatusCode ? body : throw Failure(response.StatusCode, body, path);
        }
    }

    private async Task<HttpResponseMessage> Call(
        Func<Task<HttpResponseMessage>> send, string path, CancellationToken? timeout = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Unreachable,
                $"cannot reach {Url} ({e.Message}): is the node running? Name another one with --url or AKKAFRAUD_URL.");
        }
        catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"{Url} did not answer {path} within {Timeout.TotalSeconds:0} s: is it overloaded or frozen?");
        }
    }

    private CliException Failure(HttpStatusCode status, string body, string path)
    {
        var message = ErrorMessage(body) ?? $"HTTP {(int)status} {status}";
        return status switch
        {
            HttpStatusCode.Unauthorized => new CliException(ExitCodes.Unauthorized,
                $"{Url} refused the credential: {message} (pass --token with an API key, or set AKKAFRAUD_KEY or AKKAFRAUD_ADMIN_TOKEN)."),
            HttpStatusCode.Forbidden => new CliException(ExitCodes.Unauthorized, $"{Url} refused: {message}"),
            HttpStatusCode.Conflict => new CliException(ExitCodes.Failed, message),
            HttpStatusCode.NotFound when ErrorMessage(body) is null => NotOurApi(path),
            HttpStatusCode.NotFound => new CliException(ExitCodes.NotFound, message),
            HttpStatusCode.BadRequest => new CliException(ExitCodes.Usage, message),
            _ => new CliException(ExitCodes.Failed, $"{Url} failed {path}: {message}"),
        };
    }

    private CliException NotOurApi(string path) => new(ExitCodes.Unreachable,
        $"{Url} did not answer {path} as an AkkaFraud web node does: check --url (a web node's address, e.g. http://localhost:5080).");

    private static string? ErrorMessage(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<ErrorResponse>(body, Json)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);
}
