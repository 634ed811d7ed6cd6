using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.TestSupport;

namespace AkkaFraud.Node.Tests;

/// <summary>The real executable, as a user runs it: a process in embedded mode, stopped with Ctrl+C (SIGINT).</summary>
public sealed class The_executable
{
    /// <summary>What Ctrl+C in a terminal sends.</summary>
    private static async Task SendSigIntAsync(Process process)
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private static string NodeDll()
    {
        // tests/AkkaFraud.Node.Tests/bin/<Configuration>/net10.0/ → src/AkkaFraud.Node/bin/<Configuration>/net10.0/AkkaFraud.Node.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var repository = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(repository, "src", "AkkaFraud.Node", "bin", configuration, output.Name, "AkkaFraud.Node.dll");
        Assert.True(File.Exists(dll), $"the node is not built at {dll}");
        return dll;
    }

    [Fact]
    public async Task Runs_embedded_shows_alerts_through_the_api_and_exits_0_on_sigint()
    {
        var directory = Directory.CreateTempSubdirectory("akkafraud-smoke-").FullName;
        var port = TestPorts.Free();
        // Through env --default-signal: a shell that starts this test in the background makes its children ignore
        // SIGINT, and an ignored SIGINT stays ignored in the node; Ctrl+C in a terminal never has that problem.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", NodeDll(), "--urls", $"http://127.0.0.1:{port}", "--rate", "150", "--Simulator:FraudShare=0.05", "--Simulator:Accounts=20000" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("AKKAFRAUD_ADMIN_TOKEN");
        start.Environment.Remove("Kafka__BootstrapServers");
        start.Environment.Remove("ConnectionStrings__Fraud");
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await Eventually.TrueAsync(async () => (await http.GetAsync(new Uri("/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromMinutes(2), "/ready");
            await Eventually.TrueAsync(async () =>
            {
                var page = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/alerts?limit=5", UriKind.Relative))).RootElement;
                return page.GetProperty("items").GetArrayLength() > 0;
            }, TimeSpan.FromMinutes(3), "an alert through the API");

            await SendSigIntAsync(process);
            using var exited = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the node did not exit within 2 minutes of SIGINT:\n{Log(output)}");
            }

            var log = Log(output);

            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{log}");
            Assert.Contains($"Dashboard:   http://127.0.0.1:{port}", log, StringComparison.Ordinal);
            Assert.Matches("Admin token: [0-9a-f]{48}", log);
            Assert.Contains("Draining the pipeline", log, StringComparison.Ordinal);
            // The terminal a newcomer sees (appsettings.json): one line per event with time, level and the logging
            // class as category; the node's own events at Information, Akka's internal ones (remoting, cluster) not.
            Assert.Matches(@"(?m)^\d\d:\d\d:\d\d\.\d{3} info: AkkaFraud\.[\w.]+\[0\] .*Draining the pipeline", log);
            Assert.DoesNotContain("Remoting started", log, StringComparison.Ordinal);
            Assert.DoesNotContain("is JOINING itself", log, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(directory, "data", "akkafraud.db")), "the SQLite file lives under ./data");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Log(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [Fact]
    public async Task A_half_configured_cluster_node_exits_with_one_line_saying_what_to_set()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(NodeDll());
        start.Environment["Kafka__BootstrapServers"] = "localhost:9092";
        start.Environment.Remove("ConnectionStrings__Fraud");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var exited = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(exited.Token);

        Assert.Equal(2, process.ExitCode);
        var error = (await stderr).Trim();
        Assert.Single(error.Split('\n'));
        Assert.StartsWith("akkafraud: ", error, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Fraud", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + await stdout, StringComparison.Ordinal);
    }
}
