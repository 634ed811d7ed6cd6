using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AkkaFraud.Benchmarks;

/// <summary>Small pieces the cluster benchmarks share.</summary>
internal static class BenchSupport
{
    /// <summary>A free TCP port on 127.0.0.1 for a benchmark's own actor system.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The integer after <c>--name</c> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    public static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, "--" + name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
