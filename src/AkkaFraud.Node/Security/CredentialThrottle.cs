using System.Threading.RateLimiting;
using AkkaFraud.Node.Hosting;

namespace AkkaFraud.Node.Security;

/// <summary>
/// Counts refused credentials (a wrong, revoked or expired key, a bad token, a failed sign-in) per client address in
/// a fixed window of a minute. Once an address has used up <see cref="SecuritySettings.FailedCredentialsPerMinute"/>,
/// every credential it sends is answered 429 until the window ends, right or wrong: guessing keys stays slow.
/// </summary>
internal sealed class CredentialThrottle(NodeSettings settings) : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Where a throttled request's mark waits for the challenge, which answers 429 instead of 401.</summary>
    public const string ThrottledItem = "akkafraud.throttled";

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.Security.FailedCredentialsPerMinute,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>True (and the request marked) when the client has sent too many refused credentials this minute.</summary>
    public bool IsThrottled(HttpContext context)
    {
        if (_failures.GetStatistics(AddressOf(context)) is not { CurrentAvailablePermits: <= 0 })
        {
            return false;
        }

        context.Items[ThrottledItem] = true;
        context.Items[KeyAuthentication.ProblemItem] =
            $"Too many refused credentials from {AddressOf(context)} within a minute (Security:FailedCredentialsPerMinute is {settings.Security.FailedCredentialsPerMinute}): wait a minute, then send a valid one.";
        return true;
    }

    /// <summary>When a throttled client may try again: the window's length, at most.</summary>
    public static void SetRetryAfter(HttpResponse response) =>
        response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void CountRefusal(HttpContext context)
    {
        using var lease = _failures.AttemptAcquire(AddressOf(context));
    }

    public void Dispose() => _failures.Dispose();
}
