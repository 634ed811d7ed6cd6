namespace AkkaFraud.Cli;

/// <summary>What the process exit code tells a script (the README lists them).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The node answered but the operation failed (a 5xx, a leave that did not take).</summary>
    public const int Failed = 1;

    /// <summary>The command line or the request was wrong (unknown option, a 400 from the node).</summary>
    public const int Usage = 2;

    /// <summary>No node answered at --url, or it answered with something that is not the AkkaFraud API.</summary>
    public const int Unreachable = 3;

    /// <summary>The credential was missing, wrong, expired or revoked (401), or its role does not allow this (403).</summary>
    public const int Unauthorized = 4;

    /// <summary>What the command names does not exist (404): a member, a dead letter, a region.</summary>
    public const int NotFound = 5;
}

/// <summary>A failure the user can act on: <see cref="Exception.Message"/> is the one line the CLI prints.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
