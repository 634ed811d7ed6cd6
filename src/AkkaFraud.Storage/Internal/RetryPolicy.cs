using Microsoft.Extensions.Logging;

namespace AkkaFraud.Storage.Internal;

/// <summary>
/// Runs an operation again after a transient failure, with exponential backoff and jitter, at most
/// <see cref="StoreRetrySettings.MaxAttempts"/> times. The operation gets its attempt number (1-based).
/// </summary>
internal sealed class RetryPolicy(StoreRetrySettings settings, Func<Exception, bool> isTransient, Action<Exception> onTransient, ILogger logger)
{
    public async Task<T> ExecuteAsync<T>(string operation, Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(number, cancellationToken);
            }
            catch (Exception e) when (number < settings.MaxAttempts && !cancellationToken.IsCancellationRequested && isTransient(e))
            {
                onTransient(e);
                var delay = Backoff(number);
                Log.Retrying(logger, operation, e.Message, number, settings.MaxAttempts, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public async Task ExecuteAsync(string operation, Func<int, CancellationToken, Task> attempt, CancellationToken cancellationToken) =>
        await ExecuteAsync(operation, async (number, ct) =>
        {
            await attempt(number, ct);
            return true;
        }, cancellationToken);

    private TimeSpan Backoff(int attempt)
    {
        var exponential = settings.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, settings.MaxBackoff.TotalMilliseconds);
#pragma warning disable CA5394 // jitter, not security
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(capped * jitter);
    }
}
