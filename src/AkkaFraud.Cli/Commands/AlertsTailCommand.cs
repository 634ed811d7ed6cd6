using System.ComponentModel;
using System.Text.Json;
using AkkaFraud.Node.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

internal sealed class AlertsTailSettings : NodeSettings
{
    [CommandOption("--count <N>")]
    [Description("Stop after this many alerts (default: run until Ctrl-C).")]
    public int? Count { get; init; }
}

/// <summary>
/// The alerts the dashboard shows, as they are committed, one line each (<c>--json</c>: one JSON object per line),
/// over the node's SignalR hub.
/// </summary>
internal sealed class AlertsTailCommand(CliEnvironment environment) : NodeCommand<AlertsTailSettings>(environment)
{
    public const string HubPath = "hubs/live";

    protected override async Task<int> RunAsync(NodeClient node, AlertsTailSettings settings, CancellationToken cancellationToken)
    {
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Url, HubPath), options => options.AccessTokenProvider = () => Task.FromResult(node.Token))
            .WithAutomaticReconnect()
            .Build();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var shown = 0;
        var gate = new SemaphoreSlim(1, 1);
        hub.On<AlertDto[]>("alerts", async alerts =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                foreach (var a in alerts)
                {
                    if (settings.Count is { } max && shown >= max)
                    {
                        break;
                    }

                    await WriteAsync(a, settings.Json);
                    shown++;
                }

                if (settings.Count is { } limit && shown >= limit)
                {
                    done.TrySetResult();
                }
            }
            finally
            {
                gate.Release();
            }
        });
        hub.Reconnecting += e =>
        {
            Environment.Error.WriteLine($"akkafraud: lost the connection to {node.Url} ({e?.Message}); reconnecting");
            return Task.CompletedTask;
        };

        try
        {
            await hub.StartAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(e.StatusCode == System.Net.HttpStatusCode.Unauthorized ? ExitCodes.Unauthorized : ExitCodes.Unreachable,
                $"cannot open the live feed at {new Uri(node.Url, HubPath)} ({e.Message}): is the node a running web node? Check --url and --token.");
        }

        if (!settings.Json)
        {
            Console.Write(new Text($"Tailing alerts of {node.Url} (Ctrl-C to stop)\n"));
        }

        await done.Task.WaitAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    private async Task WriteAsync(AlertDto a, bool json)
    {
        if (json)
        {
            await Environment.Out.WriteLineAsync(JsonSerializer.Serialize(a, NodeClient.Json));
            await Environment.Out.FlushAsync();
            return;
        }

        Console.Write(new Text(
            $"{Tables.Time(a.EventTime)} {a.Decision.ToUpperInvariant(),-6} score {a.Score,3}  {a.AccountId}  {a.Amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} {a.Currency}  " +
            $"{a.TransactionId}  {string.Join("; ", a.Reasons.Select(r => r.Message))}\n"));
    }
}
