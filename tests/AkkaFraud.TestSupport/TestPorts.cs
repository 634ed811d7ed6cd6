using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AkkaFraud.TestSupport;

/// <summary>Ports for servers the tests start (PostgreSQL, nodes, Kestrel): never fixed ones, so test runs do not collide.</summary>
public static class TestPorts
{
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it; the listener is closed again) and that this
    /// process has not handed out before: two ports asked for one after the other (a node's HTTP and remoting ports)
    /// would otherwise be the same one now and then, as the OS may offer a just-closed port again.
    /// </summary>
    public static int Free()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, true))
            {
                return port;
            }
        }
    }
}
