using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AkkaFraud.Node.Tests.Support;

/// <summary>
/// A SignalR client that connects to the hub over WebSockets, completes the handshake, and then never reads another
/// byte, with a tiny socket receive buffer: the server's sends to it stall as soon as the network buffers are full.
/// It still sends a ping every few seconds, as a live client does, so the server's client timeout (no message from
/// the client for 30 s) is not what ends it. (A real SignalR client with a blocking handler keeps reading the socket,
/// so it cannot play this part.)
/// </summary>
public sealed class NeverReadingClient : IDisposable
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(5);
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pings;

    private NeverReadingClient(Socket socket, string connectionId)
    {
        _socket = socket;
        ConnectionId = connectionId;
        _pings = Task.Run(PingAsync);
    }

    /// <summary>The server's <c>Context.ConnectionId</c> of this connection.</summary>
    public string ConnectionId { get; }

    public static async Task<NeverReadingClient> ConnectAsync(Uri baseAddress, string hubPath)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        using var negotiate = await http.PostAsync(new Uri($"{hubPath}/negotiate?negotiateVersion=1", UriKind.Relative), null);
        negotiate.EnsureSuccessStatusCode();
        var json = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement;
        var connectionId = json.GetProperty("connectionId").GetString()!;
        var token = json.GetProperty("connectionToken").GetString()!;

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, baseAddress.Port));
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"GET {hubPath}?id={Uri.EscapeDataString(token)} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        await ReadUpgradeResponseAsync(socket);
        await socket.SendAsync(MaskedTextFrame("{\"protocol\":\"json\",\"version\":1}\u001e"));
        return new NeverReadingClient(socket, connectionId);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _pings.Wait();
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task PingAsync()
    {
        var ping = MaskedTextFrame("{\"type\":6}\u001e");
        while (!_stop.IsCancellationRequested)
        {
            await Task.Delay(PingInterval, _stop.Token);
            try
            {
                await _socket.SendAsync(ping, _stop.Token);
            }
            catch (SocketException)
            {
                return; // the server closed the connection
            }
        }
    }

    private static async Task ReadUpgradeResponseAsync(Socket socket)
    {
        // Byte by byte up to the blank line, so nothing after the headers is consumed.
        var headers = new StringBuilder();
        var one = new byte[1];
        while (!headers.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one) == 0)
            {
                throw new IOException("the server closed the connection during the WebSocket upgrade: " + headers);
            }

            headers.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", headers.ToString(), StringComparison.Ordinal);
    }

    private static byte[] MaskedTextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        Assert.True(payload.Length < 126);
        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x81; // FIN, text
        frame[1] = (byte)(0x80 | payload.Length); // masked (client frames must be)
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }
}
