using System.Globalization;
using Microsoft.Playwright;

namespace AkkaFraud.Browser.Tests.Support;

/// <summary>What the browser tests keep for a person to look at: screenshots and node logs under the repository's artifacts/ (gitignored).</summary>
internal static class Artifacts
{
    public static string Screenshots { get; } = Path.Combine(Repository.Root, "artifacts", "screenshots");

    public static string NodeLogs { get; } = Path.Combine(Repository.Root, "artifacts", "node-logs");

    /// <summary>A full-page screenshot named <c>&lt;test&gt;-&lt;nn&gt;-&lt;moment&gt;.png</c>; <paramref name="step"/> orders a test's moments.</summary>
    public static async Task ScreenshotAsync(IPage page, string test, int step, string moment)
    {
        Directory.CreateDirectory(Screenshots);
        var path = Path.Combine(Screenshots, $"{test}-{step.ToString("00", CultureInfo.InvariantCulture)}-{moment}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }

    public static void SaveNodeLog(string name, string output)
    {
        try
        {
            Directory.CreateDirectory(NodeLogs);
            File.WriteAllText(Path.Combine(NodeLogs, $"{name}.log"), output);
        }
        catch (IOException)
        {
            // A log we cannot keep must not hide the test's own result.
        }
    }
}
