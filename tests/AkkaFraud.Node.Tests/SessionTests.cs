using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AkkaFraud.Node.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// The browser's way in: a key exchanged for a session cookie, changes that need the session's CSRF token, sign-out and
/// revocation that end the session on the server, embedded mode's one-time sign-in link, and the throttle on refused
/// credentials. Cookies are sent by hand, as a browser would, so that a test can also replay one the browser dropped.
/// </summary>
public sealed class Sessions
{
    [Fact]
    public async Task A_signed_in_session_reads_needs_its_csrf_token_to_change_anything_and_ends_on_sign_out()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:AnonymousRole=none");
        using var browser = Browser(node);

        var (cookie, csrf, signIn) = await SignInAsync(browser, TestNode.AdminToken);
        Assert.Equal(("admin token", "admin", "session"), (signIn.GetProperty("name").GetString(), signIn.GetProperty("role").GetString(), signIn.GetProperty("via").GetString()));

        var me = await SendAsync(browser, HttpMethod.Get, "/api/me", cookie);
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal(("session", csrf), (me.Json.GetProperty("via").GetString(), me.Json.GetProperty("csrfToken").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(browser, HttpMethod.Get, "/api/totals", cookie)).Status);

        // A change with the cookie alone, as a form on another site would send it: refused (the audit knows whose cookie
        // it was), and nothing made.
        var forged = await SendAsync(browser, HttpMethod.Post, "/api/keys", cookie, body: new { name = "forged", role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Contains("X-CSRF-Token", forged.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        var wrongToken = await SendAsync(browser, HttpMethod.Post, "/api/keys", cookie, csrf: new string('0', csrf.Length), body: new { name = "forged", role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.Status);
        Assert.DoesNotContain("forged", await node.Admin.GetStringAsync(new Uri("/api/keys", UriKind.Relative)), StringComparison.Ordinal);

        var made = await SendAsync(browser, HttpMethod.Post, "/api/keys", cookie, csrf, new { name = "made-in-browser", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, made.Status);

        var signedOut = await SendAsync(browser, HttpMethod.Delete, "/api/session", cookie, csrf);
        Assert.Equal(HttpStatusCode.NoContent, signedOut.Status);
        Assert.Contains(signedOut.SetCookies, c => c.StartsWith("akkafraud_session=;", StringComparison.Ordinal));

        // The cookie replayed after sign-out is refused on the server, not only forgotten by the browser.
        var replayed = await SendAsync(browser, HttpMethod.Get, "/api/totals", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.Status);
        Assert.Contains("session has ended", replayed.Json.GetProperty("error").GetString(), StringComparison.Ordinal);

        var audit = await AuditAsync(node, 5);
        Assert.Equal(
            [("SignIn", "admin token", 200), ("CreateKey", "admin token", 403), ("CreateKey", "admin token", 403), ("CreateKey", "admin token", 201), ("SignOut", "admin token", 204)],
            audit.Select(r => (r.GetProperty("action").GetString(), r.GetProperty("actor").GetString(), r.GetProperty("status").GetInt32())));
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_same_site_strict_and_a_revoked_key_ends_its_sessions()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:AnonymousRole=none");
        using var created = await node.Admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name = "vera", role = "viewer" });
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
        using var browser = Browser(node);

        using var response = await browser.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { key = secret });
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, setCookie, StringComparison.Ordinal);
        var cookie = setCookie.Split(';')[0];

        var me = await SendAsync(browser, HttpMethod.Get, "/api/me", cookie);
        Assert.Equal(("vera", "viewer"), (me.Json.GetProperty("name").GetString(), me.Json.GetProperty("role").GetString()));
        var csrf = me.Json.GetProperty("csrfToken").GetString()!;
        // A viewer's session, its CSRF token sent, is still only a viewer's.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(browser, HttpMethod.Put, "/api/simulator/rate", cookie, csrf, new { transactionsPerSecond = 5 })).Status);

        var keyId = secret.Split('_')[1];
        using (var revoked = await node.Admin.DeleteAsync(new Uri($"/api/keys/{keyId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        var after = await SendAsync(browser, HttpMethod.Get, "/api/totals", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.Contains("'vera' was revoked", after.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_does_not_sign_in_and_too_many_refusals_from_one_address_are_answered_429_even_for_a_right_key()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Security:AnonymousRole=none", "Security:FailedCredentialsPerMinute=3");
        using var browser = Browser(node);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var wrong = await browser.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { key = "akf_00000000deadbeef_guess" + attempt });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.False(wrong.Headers.Contains("Set-Cookie"), "a refused sign-in must set no cookie");
        }

        using var right = await browser.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { key = TestNode.AdminToken });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal("60", Assert.Single(right.Headers.GetValues("Retry-After")));
        Assert.Contains("FailedCredentialsPerMinute", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The same address's bearer credentials are throttled too, the admin token included; a request without any is not.
        using var bearer = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/keys", UriKind.Relative));
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestNode.AdminToken);
        using var throttled = await browser.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/ready", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_embedded_sign_in_link_opens_an_admin_session_once_and_a_used_link_goes_to_the_sign_in_page()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false");
        var link = node.Node.LoginLink;
        Assert.NotNull(link);
        Assert.Contains($"  Sign in:     {link}", node.Node.Banner(), StringComparison.Ordinal);
        using var browser = Browser(node);

        using var first = await browser.GetAsync(new Uri(link));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/#/live", first.Headers.Location?.OriginalString);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie")).Split(';')[0];
        var me = await SendAsync(browser, HttpMethod.Get, "/api/me", cookie);
        Assert.Equal(("admin", "session"), (me.Json.GetProperty("role").GetString(), me.Json.GetProperty("via").GetString()));

        using var again = await browser.GetAsync(new Uri(link));
        Assert.Equal("/#/signin?problem=link", again.Headers.Location?.OriginalString);
        Assert.False(again.Headers.Contains("Set-Cookie"), "a used link must open no session");
        using var forged = await browser.GetAsync(new Uri(node.BaseAddress, "/?login=0123456789abcdef"));
        Assert.Equal("/#/signin?problem=link", forged.Headers.Location?.OriginalString);

        var audit = await AuditAsync(node, 3);
        Assert.Equal(
            [("SignInWithLink", "admin token", 302), ("SignInWithLink", null, 401), ("SignInWithLink", null, 401)],
            audit.Select(r => (r.GetProperty("action").GetString(), r.GetProperty("actor").GetString(), r.GetProperty("status").GetInt32())));
        Assert.DoesNotContain(link.Split('=')[1], await node.Admin.GetStringAsync(new Uri("/api/audit", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hub_accepts_a_signed_in_session_where_anonymous_has_no_role()
    {
        await using var node = await TestNode.StartAsync("Security:AnonymousRole=none");
        using var browser = Browser(node);
        var (cookie, _, _) = await SignInAsync(browser, TestNode.AdminToken);

        var snapshots = new ConcurrentQueue<JsonElement>();
        await using var hub = node.Hub(o => o.Headers["Cookie"] = cookie);
        hub.On<JsonElement>("metrics", snapshots.Enqueue);
        await hub.StartAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!snapshots.IsEmpty), TimeSpan.FromSeconds(30), "a metrics snapshot on the session's connection");
    }

    private sealed record Answer(HttpStatusCode Status, JsonElement Json, IReadOnlyList<string> SetCookies);

    /// <summary>A client that keeps no cookies and follows no redirects: the test says what it sends.</summary>
    private static HttpClient Browser(TestNode node) =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = node.BaseAddress };

    private static async Task<(string Cookie, string Csrf, JsonElement Session)> SignInAsync(HttpClient browser, string key)
    {
        using var response = await browser.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { key });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in: {(int)response.StatusCode} {body}");
        var session = JsonDocument.Parse(body).RootElement.Clone();
        return (Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';')[0], session.GetProperty("csrfToken").GetString()!, session);
    }

    private static async Task<Answer> SendAsync(HttpClient browser, HttpMethod method, string path, string cookie, string? csrf = null, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Cookie", cookie);
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }

        using var response = await browser.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default,
            response.Headers.TryGetValues("Set-Cookie", out var cookies) ? [.. cookies] : []);
    }

    /// <summary>The newest <paramref name="count"/> audit records, oldest first, once that many are written.</summary>
    private static async Task<List<JsonElement>> AuditAsync(TestNode node, int count)
    {
        List<JsonElement> records = [];
        await Eventually.TrueAsync(async () =>
        {
            var page = await node.GetJsonAsync($"/api/audit?limit={count}", node.Admin);
            records = [.. page.GetProperty("records").EnumerateArray().Reverse()];
            return records.Count == count;
        }, TimeSpan.FromSeconds(10), $"{count} audit records");
        return records;
    }
}
