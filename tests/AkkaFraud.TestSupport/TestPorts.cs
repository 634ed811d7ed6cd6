using System.Net;
using System.Net.Sockets;

namespace AkkaFraud.TestSupport;

/// <summary>Ports for servers the tests start (PostgreSQL, nodes, Kestrel): never fixed ones, so test runs do not collide.</summary>
public static class TestPorts
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it; the listener is closed again).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
