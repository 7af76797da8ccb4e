using System.Collections.Concurrent;
using System.Diagnostics;

namespace Simulator.Core.Mqtt.Client;

/// <summary>
/// One timer for every connection's keep-alive (§3.1.2.10), not one per connection: it scans
/// registered connections four times a second, sends PINGREQ to those idle for the interval,
/// and fails those whose PINGRESP is a whole interval late.
/// </summary>
internal static class KeepAliveScheduler
{
    private static readonly ConcurrentDictionary<MqttClientConnection, byte> Connections = new();
    private static readonly Timer Tick = new(static _ => Scan(), null, 250, 250);

    public static void Register(MqttClientConnection connection)
    {
        GC.KeepAlive(Tick);
        Connections.TryAdd(connection, 0);
    }

    public static void Unregister(MqttClientConnection connection) => Connections.TryRemove(connection, out _);

    private static void Scan()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (connection, _) in Connections)
        {
            connection.OnKeepAliveTick(now);
        }
    }
}
