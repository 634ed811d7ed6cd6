using System.Text.Json;

namespace AkkaFraud.TestSupport;

/// <summary>What a node's API says of transactions the tests injected, once their batch is committed.</summary>
public static class StoredVerdicts
{
    /// <summary>
    /// Waits until every one of <paramref name="transactionIds"/> is stored (<c>GET /api/transactions/{id}</c>), then says
    /// whether the verdict of one of them names the rule <paramref name="ruleId"/>.
    /// </summary>
    public static async Task<bool> AnyHasReasonAsync(HttpClient node, IEnumerable<string> transactionIds, string ruleId, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(transactionIds);
        var deadline = DateTime.UtcNow + timeout;
        var found = false;
        foreach (var id in transactionIds)
        {
            while (true)
            {
                using var response = await node.GetAsync(new Uri($"/api/transactions/{Uri.EscapeDataString(id)}", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    var reasons = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("reasons");
                    found |= reasons.EnumerateArray().Any(r => r.GetProperty("ruleId").GetString() == ruleId);
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"transaction {id} was not stored within {timeout.TotalSeconds:0} s (GET /api/transactions/{id} answered {(int)response.StatusCode})");
                }

                await Task.Delay(250);
            }
        }

        return found;
    }
}
