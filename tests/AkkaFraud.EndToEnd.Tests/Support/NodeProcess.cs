using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace AkkaFraud.EndToEnd.Tests.Support;

/// <summary>
/// One published node running as an OS process of its own, configured only through environment variables (as compose
/// configures a container). Faults are signals: SIGTERM stops it politely, SIGKILL crashes it, SIGSTOP/SIGCONT freeze it.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly HttpClient _http;

    private NodeProcess(string name, Process process, Uri baseAddress, string? adminToken)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        if (adminToken is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
        }
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the node printed so far, one line per event.</summary>
    public string Output => string.Join('\n', _lines);

    public static NodeProcess Start(PublishedNode published, string name, Uri baseAddress, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(published.Dll);
        foreach (var inherited in new[] { "AKKAFRAUD_ADMIN_TOKEN", "Kafka__BootstrapServers", "ConnectionStrings__Fraud" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var node = new NodeProcess(name, process, baseAddress, environment.GetValueOrDefault("AKKAFRAUD_ADMIN_TOKEN"));
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public async Task<HttpStatusCode?> ReadyStatusAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("/ready", UriKind.Relative));
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await ReadyStatusAsync() != HttpStatusCode.OK)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"{Name} exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Name} was not ready within {timeout}:\n{Output}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>A GET, with the admin token when the node has one (the web node).</summary>
    public Task<string> GetStringAsync(string path) => _http.GetStringAsync(new Uri(path, UriKind.Relative));

    /// <summary>Any request, with the admin token when the node has one (the web node).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null) =>
        _http.SendAsync(new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content });

    /// <summary>
    /// The sum of every series of a counter on the node's <c>/metrics</c> (Prometheus text, with or without the
    /// <c>_total</c> suffix), 0 when it has none yet, or null when the node does not answer.
    /// </summary>
    public async Task<double?> CounterAsync(string name)
    {
        string text;
        try
        {
            text = await GetStringAsync("/metrics");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }

        return text.Split('\n')
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, $@"^{name}(?:_total)?(?:\{{[^}}]*\}})? ([0-9.eE+-]+)"))
            .Where(m => m.Success)
            .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Sends a signal with <c>kill</c>: TERM, KILL, STOP, CONT.</summary>
    public async Task SignalAsync(string signal)
    {
        var kill = await Tool.RunAsync("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)], Environment.CurrentDirectory, TimeSpan.FromSeconds(10));
        kill.ShouldSucceed($"kill -{signal} {Name}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Name} did not exit within {timeout}:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
