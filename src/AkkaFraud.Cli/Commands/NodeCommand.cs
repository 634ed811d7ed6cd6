using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

/// <summary>What every command that talks to a node takes.</summary>
internal class NodeSettings : CommandSettings
{
    [CommandOption("--url <URL>")]
    [Description("The web node (default: AKKAFRAUD_URL, else http://localhost:5080).")]
    public string? Url { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("An API key, the admin token or an identity provider's token (default: AKKAFRAUD_KEY, else AKKAFRAUD_ADMIN_TOKEN).")]
    public string? Token { get; init; }

    [CommandOption("--json")]
    [Description("Print the node's JSON answer unchanged, for scripts.")]
    public bool Json { get; init; }
}

/// <summary>
/// A command against a node: builds the client from the settings and the environment, runs, and turns a
/// <see cref="CliException"/> into its one line on stderr and its exit code.
/// </summary>
internal abstract class NodeCommand<TSettings>(CliEnvironment environment) : AsyncCommand<TSettings>
    where TSettings : NodeSettings
{
    public const string DefaultUrl = "http://localhost:5080";

    protected CliEnvironment Environment { get; } = environment;

    protected IAnsiConsole Console => Environment.Console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var text = settings.Url ?? Environment.Variable("AKKAFRAUD_URL") ?? DefaultUrl;
            if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new CliException(ExitCodes.Usage, $"--url '{text}' is not an http(s) address: pass e.g. --url {DefaultUrl}.");
            }

            using var node = new NodeClient(url, settings.Token ?? Environment.Variable("AKKAFRAUD_KEY") ?? Environment.Variable("AKKAFRAUD_ADMIN_TOKEN"));
            return await RunAsync(node, settings, cancellationToken);
        }
        catch (CliException e)
        {
            await Environment.Error.WriteLineAsync($"akkafraud: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }

    protected abstract Task<int> RunAsync(NodeClient node, TSettings settings, CancellationToken cancellationToken);

    /// <summary>
    /// A read: GETs <paramref name="path"/>, then prints the answer as it came for <c>--json</c>, or as
    /// <paramref name="render"/> shows it.
    /// </summary>
    protected async Task<int> ShowAsync<T>(NodeClient node, string path, TSettings settings, Action<T> render, CancellationToken cancellationToken)
    {
        var body = await node.GetTextAsync(path, cancellationToken);
        if (settings.Json)
        {
            return await PrintJsonAsync(body);
        }

        render(node.Parse<T>(body, path));
        return ExitCodes.Ok;
    }

    /// <summary>Prints the node's answer as it came (indented), for <c>--json</c>.</summary>
    protected async Task<int> PrintJsonAsync(string body)
    {
        using var document = JsonDocument.Parse(body);
        await Environment.Out.WriteLineAsync(JsonSerializer.Serialize(document.RootElement, Indented));
        return ExitCodes.Ok;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
