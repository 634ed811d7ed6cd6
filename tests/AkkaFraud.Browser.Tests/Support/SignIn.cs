using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AkkaFraud.Browser.Tests.Support;

/// <summary>Signing a browser context in as a person does: the dashboard's sign-in page, which trades the key for a session cookie.</summary>
internal static class SignIn
{
    /// <summary>
    /// Signs the page's context in with <paramref name="key"/> (an API key or <see cref="NodeProcess.AdminToken"/>) and
    /// waits until the shell shows it, on <paramref name="next"/> (a hash route such as <c>#/cluster</c>).
    /// </summary>
    public static async Task AsAsync(IPage page, string key, string next = "#/live")
    {
        await Chromium.OpenAsync(page, $"/#/signin?next={Uri.EscapeDataString(next)}");
        await page.GetByTestId("signin-key").FillAsync(key);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Expect(page.GetByTestId("whoami")).ToHaveAttributeAsync("data-authenticated", "true");
        await page.WaitForURLAsync(url => new Uri(url).Fragment == next);
    }
}
