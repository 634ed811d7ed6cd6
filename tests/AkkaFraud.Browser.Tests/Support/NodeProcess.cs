using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace AkkaFraud.Browser.Tests.Support;

/// <summary>
/// The real node executable (<c>dotnet AkkaFraud.Node.dll</c>) in embedded mode, as a user runs it: its working
/// directory holds <c>./data</c>, Kestrel listens on a fixed 127.0.0.1 port, and it is stopped with SIGINT (Ctrl+C).
/// Start it again with the same directory and port to restart "the same" node. Disposing kills it if it still runs
/// and keeps its output under <c>artifacts/node-logs/</c>.
/// </summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    public const string AdminToken = "browser-test-admin-token-0123456789";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _name;
    private readonly TaskCompletionSource<string> _kafka = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process, string name, Uri baseAddress)
    {
        _process = process;
        _name = name;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The in-process Kafka's bootstrap address, as the node's banner names it.</summary>
    public string KafkaBootstrapServers => _kafka.Task.IsCompletedSuccessfully ? _kafka.Task.Result : throw new InvalidOperationException("the node has not printed its banner");

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    [GeneratedRegex(@"in-process Kafka at (?<servers>\S+)")]
    private static partial Regex KafkaBanner();

    /// <summary>Starts the node in <paramref name="workingDirectory"/> on <paramref name="port"/> and waits until <c>/ready</c> answers 200.</summary>
    /// <param name="name">Names the log file under artifacts/node-logs/.</param>
    /// <param name="workingDirectory">The node's working directory: its SQLite file goes to ./data there.</param>
    /// <param name="port">The HTTP port on 127.0.0.1.</param>
    /// <param name="settings">More settings as command-line switches, e.g. <c>--Security:AnonymousRole=none</c>.</param>
    public static async Task<NodeProcess> StartAsync(string name, string workingDirectory, int port, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            Repository.NodeDll(), "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--rate", "100", "--Simulator:Accounts=20000", "--Simulator:FraudShare=0.02",
            // Warnings and errors only (appsettings.json keeps AkkaFraud.* at Information): information lines would fill the log; the banner is printed regardless.
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:AkkaFraud=Warning",
            .. settings,
        ];
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AKKAFRAUD_ADMIN_TOKEN"] = AdminToken;
        start.Environment.Remove("Kafka__BootstrapServers");
        start.Environment.Remove("ConnectionStrings__Fraud");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("Security__AnonymousRole");

        var process = new Process { StartInfo = start };
        var node = new NodeProcess(process, name, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilReadyAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (KafkaBanner().Match(line) is { Success: true } match)
        {
            _kafka.TrySetResult(match.Groups["servers"].Value);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The node exited with code {_process.ExitCode} while starting:\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK && _kafka.Task.IsCompleted)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting on a slow machine.
            }

            await Task.Delay(250);
        }

        Assert.Fail($"The node at {BaseAddress} was not ready (GET /ready = 200 and the banner printed) within {StartTimeout.TotalSeconds:0} s:\n{Tail()}");
    }

    /// <summary>Ctrl+C: SIGINT, then waits for the process to exit and asserts it exited 0 (a drained, clean stop).</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        var exitCode = await WaitForExitAsync(StopTimeout);
        Assert.True(exitCode == 0, $"The node exited with code {exitCode} after SIGINT:\n{Tail()}");
    }

    /// <summary>Waits for the process to exit by itself (a leave, say) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var exited = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The node did not exit within {timeout.TotalSeconds:0} s:\n{Tail()}");
        }

        return _process.ExitCode;
    }

    /// <summary>The end of the node's output, for failure messages.</summary>
    public string Tail(int lines = 60)
    {
        var all = Output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(exited.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not killable: nothing more to do here.
        }
        finally
        {
            Artifacts.SaveNodeLog(_name, Output);
            _process.Dispose();
        }
    }
}
