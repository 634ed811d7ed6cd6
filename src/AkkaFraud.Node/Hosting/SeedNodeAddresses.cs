using System.Net;
using System.Net.Sockets;

namespace AkkaFraud.Node.Hosting;

/// <summary>
/// Turns <c>Node:SeedNodes</c> into the addresses Akka joins through. An entry whose host is a DNS name stands for
/// every address the name resolves to at start (<c>akka.tcp://akkafraud@scorer:4053</c> in compose: every scorer
/// container, however many <c>--scale</c> started), so no file names a container. Akka compares addresses literally,
/// which is why a node in a container advertises its IP address (<see cref="OwnAddress"/>), not its host name.
/// </summary>
internal static class SeedNodeAddresses
{
    public static IReadOnlyList<string> Expand(IEnumerable<Uri> seeds, Func<string, IPAddress[]> resolve)
    {
        var expanded = new List<(IPAddress Address, string Seed)>();
        var literal = new List<string>();
        foreach (var seed in seeds)
        {
            if (IPAddress.TryParse(seed.Host, out _) || seed.Host == "localhost")
            {
                literal.Add(seed.ToString().TrimEnd('/'));
                continue;
            }

            IPAddress[] addresses;
            try
            {
                addresses = resolve(seed.Host);
            }
            catch (SocketException)
            {
                // Not in DNS yet (that service has no running container): the other entries find the cluster.
                continue;
            }

            foreach (var address in addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork))
            {
                expanded.Add((address, $"{seed.Scheme}://{seed.UserInfo}@{address}:{seed.Port}"));
            }
        }

        // Every node orders the same set the same way, so all agree which one is first (the one that may form a new
        // cluster when no other seed answers).
        return [.. literal, .. expanded.OrderBy(e => e.Address.GetAddressBytes(), ByteOrder.Instance).Select(e => e.Seed).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>This host's first IPv4 address other than loopback (a container's address on its network).</summary>
    public static string OwnAddress()
    {
        var addresses = Dns.GetHostAddresses(Dns.GetHostName());
        return (addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                ?? throw new NodeConfigurationException(
                    $"this host ({Dns.GetHostName()}) has no IPv4 address other than loopback for other nodes to reach: set Node__PublicHostname to the address they should use."))
            .ToString();
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => ((ReadOnlySpan<byte>)x).SequenceCompareTo(y);
    }
}
