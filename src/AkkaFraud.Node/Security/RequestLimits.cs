using System.Globalization;
using System.Threading.RateLimiting;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Hosting;
using Microsoft.AspNetCore.RateLimiting;

namespace AkkaFraud.Node.Security;

/// <summary>
/// ASP.NET Core's rate limiter on every request of the API, the dashboard and the hub's negotiate: per client address,
/// <see cref="SecuritySettings.RequestsPerMinute"/> in a fixed window of a minute, then 429 with <c>Retry-After</c>.
/// Probes and the metrics scrape are not limited: an orchestrator must always see whether the node lives.
/// </summary>
internal static class RequestLimits
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, NodeSettings settings)
    {
        var limit = settings.Security.RequestsPerMinute;
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsProbe(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter(string.Empty)
                    : RateLimitPartition.GetFixedWindowLimiter(CredentialThrottle.AddressOf(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = limit,
                        Window = Window,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return new ValueTask(response.WriteAsJsonAsync(new ErrorResponse(
                    $"Too many requests from {CredentialThrottle.AddressOf(rejected.HttpContext)} within a minute (Security:RequestsPerMinute is {limit}): wait a minute, or poll less often."),
                    cancellationToken));
            };
        });
        return services;
    }

    private static bool IsProbe(PathString path) => path == "/alive" || path == "/ready" || path == "/metrics";
}
