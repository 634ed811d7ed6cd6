using Spectre.Console;

namespace AkkaFraud.Cli;

/// <summary>
/// Where the CLI writes and what it reads from its surroundings: tables and progress go to <see cref="Console"/>,
/// JSON for scripts to <see cref="Out"/> untouched, the one-line errors to <see cref="Error"/>.
/// </summary>
internal sealed record CliEnvironment(IAnsiConsole Console, TextWriter Out, TextWriter Error, Func<string, string?> Variable)
{
    public static CliEnvironment FromProcess()
    {
        var console = AnsiConsole.Console;
        // Piped into a file or a pager there is no terminal width: 80 columns would wrap every address. COLUMNS wins.
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), System.Globalization.CultureInfo.InvariantCulture, out var columns) && columns > 0)
        {
            console.Profile.Width = columns;
        }
        else if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return new(console, System.Console.Out, System.Console.Error, Environment.GetEnvironmentVariable);
    }
}
