using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AkkaFraud.Browser.Tests.Support;

/// <summary>API keys made as an admin's script makes them: POST /api/keys with the admin token as a bearer.</summary>
internal static class ApiKeys
{
    /// <summary>Creates a key named <paramref name="name"/> with <paramref name="role"/> and returns its secret (shown this once).</summary>
    public static async Task<string> CreateAsync(Uri baseAddress, string name, string role)
    {
        using var http = AdminClient(baseAddress);
        using var response = await http.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name, role });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/keys answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>A client of the node that sends the admin token with every request.</summary>
    public static HttpClient AdminClient(Uri baseAddress)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", NodeProcess.AdminToken);
        return http;
    }
}
