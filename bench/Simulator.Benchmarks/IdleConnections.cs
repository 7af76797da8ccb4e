using System.Diagnostics;
using System.Globalization;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;

namespace Simulator.Benchmarks;

/// <summary>
/// Memory per idle connection: opens N connections to a broker, lets them idle, and reports the
/// managed heap and process RSS growth per connection.
/// Usage: idle --connections 1000 --port 1883 [--host 127.0.0.1] [--ws] [--idle-seconds 10]
/// </summary>
public static class IdleConnections
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var n = int.Parse(Arg("--connections", "1000"), CultureInfo.InvariantCulture);
        var port = int.Parse(Arg("--port", "1883"), CultureInfo.InvariantCulture);
        var host = Arg("--host", "127.0.0.1");
        var idle = double.Parse(Arg("--idle-seconds", "10"), CultureInfo.InvariantCulture);
        var ws = args.Contains("--ws");
        var transport = new TransportOptions { Kind = ws ? TransportKind.WebSocket : TransportKind.Tcp, Host = host, Port = port };

        // Warm everything up with one connection so that JIT and static pools are not counted.
        await using (var warm = await MqttClientConnection.ConnectAsync(transport, new MqttClientOptions { ClientId = "warm" }))
        {
            await warm.PublishAsync("warm"u8.ToArray(), "x"u8.ToArray(), Simulator.Core.Mqtt.MqttQos.AtLeastOnce);
        }

        var (heap0, rss0) = Measure();
        var clients = new List<MqttClientConnection>(n);
        for (var i = 0; i < n; i++)
        {
            clients.Add(await MqttClientConnection.ConnectAsync(transport, new MqttClientOptions { ClientId = $"idle-{i}", KeepAliveSeconds = 60 }));
        }

        await Task.Delay(TimeSpan.FromSeconds(idle));
        var (heap1, rss1) = Measure();
        var alive = clients.Count(c => c.IsConnected);
        Console.WriteLine(FormattableString.Invariant($"transport={(ws ? "websocket" : "tcp")} connections={n} alive={alive} managed/conn={(heap1 - heap0) / (double)n:F0} B rss/conn={(rss1 - rss0) / (double)n:F0} B heap={heap1 / 1048576.0:F1} MiB rss={rss1 / 1048576.0:F1} MiB"));
        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }

        return alive == n ? 0 : 1;
    }

    private static (long Heap, long Rss) Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return (GC.GetTotalMemory(forceFullCollection: true), p.WorkingSet64);
    }
}
