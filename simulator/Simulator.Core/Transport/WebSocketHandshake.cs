using System.Buffers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Simulator.Core.Errors;

namespace Simulator.Core.Transport;

/// <summary>
/// The client side of the RFC 6455 §4.1 opening handshake, written by hand so that the custom-auth
/// headers go out exactly as given, the upgrade is timed on its own, and a refusal is reported
/// with its HTTP status (AWS answers 401/403 instead of 101, A.4).
/// </summary>
internal static class WebSocketHandshake
{
    private const int MaxResponseHeaderBytes = 16 * 1024;
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static async Task<Stream> UpgradeAsync(Stream stream, TransportOptions options, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var defaultPort = options.Kind == TransportKind.SecureWebSocket ? 443 : 80;
        var hostName = options.ServerName ?? options.Host;
        var host = options.Port == defaultPort ? hostName : $"{hostName}:{options.Port}";
        var sb = new StringBuilder(512);
        sb.Append("GET ").Append(options.WebSocketPath);
        if (!string.IsNullOrEmpty(options.Query))
        {
            sb.Append('?').Append(options.Query);
        }

        sb.Append(" HTTP/1.1\r\nHost: ").Append(host)
          .Append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").Append(key)
          .Append("\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ").Append(options.WebSocketSubprotocol).Append("\r\n");
        foreach (var (name, value) in options.Headers)
        {
            if (name.AsSpan().IndexOfAny("\r\n:") >= 0 || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new Errors.InputException($"header '{name}' contains a line break or colon", field: "headers");
            }

            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        sb.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        var buffer = ArrayPool<byte>.Shared.Rent(MaxResponseHeaderBytes);
        try
        {
            var filled = 0;
            int end;
            while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (filled == MaxResponseHeaderBytes)
                {
                    throw new ConnectionFailedException(FailureKind.WebSocketUpgradeRefused, "upgrade response headers exceed 16 KB");
                }

                var n = await stream.ReadAsync(buffer.AsMemory(filled, MaxResponseHeaderBytes - filled), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new ConnectionFailedException(FailureKind.WebSocketUpgradeRefused, "connection closed during the WebSocket upgrade");
                }

                filled += n;
            }

            var head = Encoding.ASCII.GetString(buffer, 0, end);
            var lines = head.Split("\r\n");
            var status = ParseStatus(lines[0]);
            if (status != 101)
            {
                throw new ConnectionFailedException(FailureKind.WebSocketUpgradeRefused, $"upgrade refused: {lines[0]}", httpStatus: status);
            }

            // A header sent twice (RFC 7230 §3.2.2 allows it for list-valued ones) keeps its first value; a
            // second, different Sec-WebSocket-Accept is a protocol error, not a crash.
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2))
            {
                var name = pair[0].Trim();
                if (!headers.TryAdd(name, pair[1].Trim()) && name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase) && headers[name] != pair[1].Trim())
                {
                    throw new ConnectionFailedException(FailureKind.WebSocketUpgradeRefused, "two different Sec-WebSocket-Accept headers", httpStatus: status);
                }
            }

            var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
            if (!headers.TryGetValue("Sec-WebSocket-Accept", out var accept) || accept != expected)
            {
                throw new ConnectionFailedException(FailureKind.WebSocketUpgradeRefused, "Sec-WebSocket-Accept is missing or wrong", httpStatus: status);
            }

            if (headers.TryGetValue("Sec-WebSocket-Protocol", out var chosen) && !string.Equals(chosen, options.WebSocketSubprotocol, StringComparison.OrdinalIgnoreCase))
            {
                throw new ConnectionFailedException(FailureKind.WebSocketUpgradeRefused, $"server chose subprotocol '{chosen}', not '{options.WebSocketSubprotocol}'", httpStatus: status);
            }

            var leftover = filled - (end + 4);
            var inner = leftover > 0 ? new PrefixedStream(buffer.AsSpan(end + 4, leftover).ToArray(), stream) : stream;
            var socket = WebSocket.CreateFromStream(inner, new WebSocketCreationOptions { IsServer = false, SubProtocol = options.WebSocketSubprotocol, KeepAliveInterval = TimeSpan.Zero });
            return WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ParseStatus(string statusLine)
    {
        var parts = statusLine.Split(' ', 3);
        return parts.Length >= 2 && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : 0;
    }
}
