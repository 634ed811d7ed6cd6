using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AkkaFraud.Browser.Tests.Support;

/// <summary>
/// Debian's Chromium, driven by Playwright. Playwright never downloads a browser here: it launches
/// <see cref="ExecutablePath"/>, which ./test.sh installs (apt-get install chromium) when it is missing and it runs as root.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Each page's log, so that what the harness itself noticed goes to the test output with the page's lines.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> Consoles = [];

    /// <summary>Set by ./test.sh once Chromium is installed: a missing browser is then a failure, never a skip.</summary>
    public const string RequiredVariable = "AKKAFRAUD_REQUIRE_BROWSER";

    /// <summary>Why the browser tests cannot run here, or null when they can (or must).</summary>
    public static string? SkipReason =>
        File.Exists(ExecutablePath) || Environment.GetEnvironmentVariable(RequiredVariable) == "1"
            ? null
            : $"Chromium is not installed at {ExecutablePath} (Debian: apt-get install chromium; ./test.sh does that when run as root).";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"Chromium is required ({RequiredVariable}=1) but {ExecutablePath} does not exist: apt-get install chromium.");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Root in a container: no user namespaces for the sandbox; a small /dev/shm.
                Args = ["--no-sandbox", "--disable-dev-shm-usage"],
                Timeout = 120_000,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page on <paramref name="baseAddress"/> with generous waits (a noisy 2-core box), a desktop-sized viewport and its console captured into <paramref name="console"/>.</summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, Uri baseAddress, List<string> console)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
        });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        Consoles.AddOrUpdate(page, console);
        page.Console += (_, message) =>
        {
            lock (console)
            {
                console.Add($"console.{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) =>
        {
            lock (console)
            {
                console.Add($"page error: {error}");
            }
        };
        return page;
    }

    /// <summary>
    /// Opens a dashboard route (<c>/#/...</c>) and waits until the app has rendered into it. Once in CI a first
    /// navigation never reached the load event within 60 s on an idle node, so this waits for what the tests need
    /// (the document, then the app's first element) and opens the route once more, saying so in the page's log,
    /// when either does not come within half a minute. Only for routes: a one-time sign-in link must not be opened twice.
    /// </summary>
    public static async Task OpenAsync(IPage page, string route)
    {
        Assert.StartsWith("/#/", route, StringComparison.Ordinal);
        const float attemptTimeout = 30_000;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.GotoAsync(route, new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = attemptTimeout });
                await page.Locator("#app > *").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = attemptTimeout });
                return;
            }
            catch (TimeoutException e) when (attempt == 1)
            {
                var console = Consoles.TryGetValue(page, out var lines) ? lines : [];
                lock (console)
                {
                    console.Add($"test: {route} had not rendered within {attemptTimeout / 1000:0} s ({e.Message.Split('\n')[0]}); opening it again");
                }
            }
        }
    }

    /// <summary>
    /// What the page reported as errors so far, console errors and uncaught exceptions, leaving out the lines that
    /// contain one of <paramref name="expected"/> (the browser logs a 401 the test asked for as a failed resource).
    /// </summary>
    public static IReadOnlyList<string> Errors(List<string> console, params string[] expected)
    {
        lock (console)
        {
            return
            [
                .. console.Where(line =>
                    (line.StartsWith("console.error:", StringComparison.Ordinal) || line.StartsWith("page error:", StringComparison.Ordinal))
                    && !expected.Any(e => line.Contains(e, StringComparison.Ordinal))),
            ];
        }
    }

    /// <summary>
    /// Writes what the page logged to the test output, closes the page's context, and fails the test when the browser
    /// refused anything under the node's Content-Security-Policy: the dashboard must work under it on every page.
    /// </summary>
    public static async Task ClosePageAsync(IPage page, List<string> console, ITestOutputHelper output)
    {
        List<string> violations;
        lock (console)
        {
            foreach (var line in console)
            {
                output.WriteLine(line);
            }

            violations = [.. console.Where(line => line.Contains("Content Security Policy", StringComparison.Ordinal))];
        }

        await page.Context.CloseAsync();
        Assert.True(violations.Count == 0, "the page broke the Content-Security-Policy:\n" + string.Join('\n', violations));
    }
}

/// <summary>A fact that needs Chromium: skipped, with the reason, only where it is absent and not required.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }

}
