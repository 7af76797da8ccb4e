using Simulator.Core.Load;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Core.Transport.Link;

namespace Simulator.Tests.Link;

/// <summary>Sequential WSS custom-auth connects whose phase timings a link test compares, and the medians it compares them by.</summary>
internal static class LinkConnects
{
    public static async Task<List<ConnectTimings>> RunAsync(string address, int port, string caFile, IReadOnlyList<(string ClientId, string Token)> devices, int rounds, LinkProfile? link, DelayScheduler? timers)
    {
        var timings = new List<ConnectTimings>();
        // One link for them all: the veth or proxy they are compared with is one path too, so each connect finds the bucket as the one before left it.
        var shared = link is null ? null : new LinkModel(link, timers!, 0);
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < devices.Count; i++)
            {
                var (clientId, token) = devices[i];
                var transport = new TransportOptions
                {
                    Kind = TransportKind.SecureWebSocket,
                    Host = address,
                    ServerName = "localhost",
                    Port = port,
                    CaFile = caFile,
                    Headers = [new("X-Amz-CustomAuthorizer-Name", "1nce-authorizer"), new("token", token)],
                    Tls = TlsProvider.OpenSsl,
                    Link = shared,
                };
                await using var client = await MqttClientConnection.ConnectAsync(transport, new MqttClientOptions { ClientId = clientId, ConnectTimeout = TimeSpan.FromSeconds(30) });
                timings.Add(client.Timings);
                await client.DisconnectAsync();
            }
        }

        return timings;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static IEnumerable<(string Phase, Func<ConnectTimings, double> Of)> Phases { get; } =
    [
        ("tcp", t => t.TcpMs),
        ("tls", t => t.TlsMs),
        ("webSocket", t => t.WebSocketMs),
        ("connAck", t => t.ConnAckMs),
    ];

    /// <summary>"tls: link 121.0 ms, independent 119.5 ms" per phase, for a failure's message.</summary>
    public static string Table(List<ConnectTimings> model, List<ConnectTimings> independent) =>
        string.Join("; ", Phases.Select(p => FormattableString.Invariant($"{p.Phase}: link {Median(model.Select(p.Of)):F1} ms, independent {Median(independent.Select(p.Of)):F1} ms")));
}
