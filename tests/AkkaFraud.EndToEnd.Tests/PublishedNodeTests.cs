using AkkaFraud.EndToEnd.Tests.Support;
using AkkaFraud.TestSupport;

namespace AkkaFraud.EndToEnd.Tests;

/// <summary>The container image's steps without Docker: the published node, started the way the image starts it.</summary>
[Collection(PublishedNodeTests.Name)]
public sealed class The_published_node(PublishedNode published)
{
    [Fact]
    public void Carries_the_shipped_akka_settings_and_the_built_dashboard()
    {
        Assert.Equal(File.ReadAllText(Repository.File("hocon", "akkafraud.conf")), File.ReadAllText(Path.Combine(published.Directory, "hocon", "akkafraud.conf")));
        Assert.True(File.Exists(Path.Combine(published.Directory, "wwwroot", "index.html")), "the published node has no wwwroot/index.html (the dashboard)");
    }

    [Fact]
    public async Task Starts_becomes_ready_serves_the_dashboard_and_exits_0_on_sigterm()
    {
        var directory = Directory.CreateTempSubdirectory("akkafraud-published-run-").FullName;
        try
        {
            await using var node = NodeProcess.Start(published, "embedded", new Uri($"http://127.0.0.1:{TestPorts.Free()}"),
                new Dictionary<string, string> { ["Simulator__TransactionsPerSecond"] = "50" }, directory);

            await node.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
            var index = await node.GetStringAsync("/");
            Assert.Contains("<script", index, StringComparison.Ordinal);
            Assert.Contains("\"status\":\"Up\"", await node.GetStringAsync("/api/cluster/members"), StringComparison.Ordinal);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!TotalsShowScoredTransactions(await node.GetStringAsync("/api/totals")))
            {
                Assert.True(DateTime.UtcNow < deadline, "the published node scored nothing within 2 minutes:\n" + node.Output);
                await Task.Delay(500);
            }

            // Its own readiness line comes from a periodic check (every 2 s), not from the probes.
            while (!node.Output.Contains("Ready: every check passes", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "the published node never logged that it was ready:\n" + node.Output);
                await Task.Delay(250);
            }

            await node.SignalAsync("TERM");
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromMinutes(2)));
            // Readiness is logged as events, not once per probe (the test probed /ready every 250 ms while it started).
            var lines = node.Output.Split('\n');
            Assert.DoesNotContain(lines, line => line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal));
            Assert.Single(lines, line => line.Contains("Ready: every check passes", StringComparison.Ordinal));
            Assert.InRange(lines.Count(line => line.Contains("Not ready: ", StringComparison.Ordinal)), 0, 3);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool TotalsShowScoredTransactions(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("transactions").GetInt64() > 0;
}
