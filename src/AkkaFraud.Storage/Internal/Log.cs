using Microsoft.Extensions.Logging;

namespace AkkaFraud.Storage.Internal;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Applied {Count} schema migration(s) to the {Provider} store, now at version {Version}")]
    public static partial void Migrated(ILogger logger, int count, StoreProvider provider, int version);

    [LoggerMessage(2, LogLevel.Warning, "{Operation} failed transiently ({Error}), attempt {Attempt} of {MaxAttempts}; retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string operation, string error, int attempt, int maxAttempts, int delayMs);
}
