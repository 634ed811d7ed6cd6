using System.Diagnostics;
using Npgsql;

namespace AkkaFraud.TestSupport;

/// <summary>
/// A private PostgreSQL server for one test that stops and restarts it for real (pg_ctl): initdb into a temporary
/// folder, a free port on 127.0.0.1, deleted on dispose. Private, so that taking it down disturbs no other test running
/// in parallel against the shared server. <c>./test.sh</c> exports where the binaries are and which user runs them;
/// without that, <see cref="StartPrivateAsync"/> fails and says what to set.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinVariable = "AKKAFRAUD_TEST_PG_BIN";
    public const string UserVariable = "AKKAFRAUD_TEST_PG_USER";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _bin;
    private readonly string _root;
    private readonly string _options;

    private PostgresServer(string bin, string user, string root, int port)
    {
        _bin = bin;
        User = user;
        _root = root;
        Port = port;
        _options = $"-p {port} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
        ConnectionString = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres" }.ConnectionString;
    }

    /// <summary>Superuser connection to the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    public int Port { get; }

    /// <summary>The operating-system user the server runs as; pg_ctl runs as this user (through runuser when we are root).</summary>
    public string User { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string SocketDirectory => Path.Combine(_root, "sock");

    private string Log => Path.Combine(_root, "postgres.log");

    /// <summary>Initialises and starts a new server; dispose it to stop it and delete its files.</summary>
    public static async Task<PostgresServer> StartPrivateAsync(CancellationToken cancellationToken = default)
    {
        var bin = Environment.GetEnvironmentVariable(BinVariable);
        if (string.IsNullOrEmpty(bin) || !File.Exists(Path.Combine(bin, "pg_ctl")))
        {
            throw new InvalidOperationException(
                $"This test starts, stops and restarts a private PostgreSQL server, which needs {BinVariable} (the folder with " +
                $"initdb and pg_ctl, e.g. /usr/lib/postgresql/15/bin) and, when running as root, {UserVariable} (a non-root user " +
                "to run it as). ./test.sh sets both; on Debian the binaries come with 'apt-get install postgresql'.");
        }

        var user = Environment.GetEnvironmentVariable(UserVariable) is { Length: > 0 } u ? u : Environment.UserName;
        var root = Directory.CreateTempSubdirectory("akkafraud-pg-").FullName;
        // The server's user (not us, when we are root) must write here. PostgreSQL's tools are Unix-only here anyway.
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Private PostgreSQL servers for tests are started with runuser and pg_ctl on Unix.");
        }

        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        var server = new PostgresServer(bin, user, root, TestPorts.Free());
        try
        {
            await server.RunCheckedAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"], cancellationToken);
            await server.RunCheckedAsync("mkdir", ["-p", server.SocketDirectory], cancellationToken, absolute: true);
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server and waits until it is down. Fast mode: clients are disconnected, nothing is lost.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        RunCheckedAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);

    /// <summary>Starts the server on its port and waits until it accepts connections (after crash recovery, when it crashed).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        // After a crash the old server's processes notice their postmaster is gone and exit within moments; until
        // then they hold its shared memory and a start is refused.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunCheckedAsync("pg_ctl", ["-D", DataDirectory, "-l", Log, "-w", "-t", "60", "-o", _options, "start"], cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Crashes the server: SIGKILL to the postmaster, as the kernel's OOM killer would. No shutdown checkpoint; its
    /// backends exit when they notice, and the next start runs crash recovery from the WAL.
    /// </summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        var (_, status) = await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "status"], cancellationToken);
        var pid = System.Text.RegularExpressions.Regex.Match(status, @"PID: (\d+)") is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"pg_ctl status names no running server:\n{status}");
        await RunCheckedAsync("pg_ctl", ["kill", "KILL", pid], cancellationToken);
    }

    /// <summary>Whether the server is running (<c>pg_ctl status</c>).</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken = default)
    {
        var (exitCode, _) = await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "status"], cancellationToken);
        return exitCode == 0;
    }

    /// <summary>Creates a database on this server and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file the server's user still holds: the temp folder is cleaned by the OS eventually.
        }
        catch (UnauthorizedAccessException)
        {
            // As a non-root user we may not delete files the server's user made; they are in the temp folder.
        }
    }

    private async Task RunCheckedAsync(string tool, string[] arguments, CancellationToken cancellationToken, bool absolute = false)
    {
        var (exitCode, output) = await RunAsync(absolute ? tool : Path.Combine(_bin, tool), arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} exited with {exitCode}:\n{output}\n--- server log (tail) ---\n{LogTail()}");
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        // PostgreSQL refuses to run as root: as root, run its tools as the server's user.
        var asOtherUser = !string.Equals(Environment.UserName, User, StringComparison.Ordinal);
        var start = new ProcessStartInfo(asOtherUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asOtherUser)
        {
            foreach (var argument in (string[])["-u", User, "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            // With -l the server writes to its log file, so pg_ctl's pipes close when pg_ctl exits.
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: false);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {CommandTimeout}");
        }
    }

    private string LogTail()
    {
        try
        {
            return File.Exists(Log) ? string.Join('\n', File.ReadLines(Log).TakeLast(30)) : "(no log yet)";
        }
        catch (IOException e)
        {
            return $"(cannot read {Log}: {e.Message})";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"(cannot read {Log}: {e.Message})";
        }
    }
}
