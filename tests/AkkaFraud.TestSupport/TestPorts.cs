using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AkkaFraud.TestSupport;

/// <summary>Ports for servers the tests start (PostgreSQL, nodes, Kestrel): never fixed ones, so test runs do not collide.</summary>
public static class TestPorts
{
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>Below Linux's ephemeral range (32768–60999), where the OS never puts a port-0 bind or an outgoing connection.</summary>
    private const int FirstPort = 20_000;
    private const int LastPort = 32_000;

    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago and that this process has not handed out before (a node's
    /// HTTP and remoting ports are asked for one after the other). It lies outside the ephemeral range: an OS-chosen
    /// port there (the embedded Kafka's, a remoting port 0) took the port a test had picked for HTTP once in CI.
    /// </summary>
    public static int Free()
    {
        while (true)
        {
            var port = Random.Shared.Next(FirstPort, LastPort);
            if (!HandedOut.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by another process: draw again.
            }
        }
    }
}
