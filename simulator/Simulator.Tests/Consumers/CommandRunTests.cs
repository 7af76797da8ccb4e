using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Consumers;

/// <summary>
/// Cloud-to-device commands over real sockets: the run's backend sends them at the profile's rate
/// to connected devices' command topics, an independent subscriber (MQTTnet on mosquitto) counts
/// what it published, and the devices time what they receive; under eDRX the commands wait for the
/// devices' paging windows, and their latency says so.
/// </summary>
public sealed class CommandRunTests
{
    [Fact]
    public async Task CommandsGoAtTheRateToConnectedDevicesAndEachIsTimedOnArrival()
    {
        await using var broker = new Mosquitto();
        await broker.InitializeAsync();
        using var observer = new MqttClientFactory().CreateMqttClient();
        var seen = new ConcurrentQueue<string>();
        observer.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await observer.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.TcpPort).WithClientId("observer").Build());
        await observer.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("+/commands", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        using var tmp = new TempDir();
        var target = $$"""{ "kind": "endpoint", "host": "127.0.0.1", "port": {{broker.TcpPort}} }""";
        var profile = RunHarness.Profile("mqtt-tcp", "device-jwt", devices: 8, target: target, holdSeconds: 4,
            extra: """, "commands": { "ratePerSecond": 20 }, "thresholds": { "errorRate": 0, "commandP99Ms": 5000 }""");
        var (code, output, summary, dir) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(code == 0, output);
        await observer.DisconnectAsync();

        var c = summary.GetProperty("commands");
        var sent = c.GetProperty("sent").GetInt64();
        var received = c.GetProperty("received").GetInt64();
        Assert.InRange(sent, 60, 100); // 20/s from the first device's connect to the end of the 4 s hold
        Assert.Equal(sent, seen.Count); // what the broker carried, counted by another client
        Assert.Equal(8, seen.Distinct().Count()); // each device in turn
        Assert.InRange(received, sent - 2, sent); // a command racing its device's planned stop may miss it
        Assert.Equal(received, summary.GetProperty("histograms").GetProperty("command").GetProperty("count").GetInt64());
        Assert.Equal(received, ConsumerRunTests.Rows(dir).Sum(r => r.CommandsReceived));
        Assert.True(summary.GetProperty("histograms").GetProperty("command").GetProperty("p99Ms").GetDouble() < 1000);
        Assert.Contains("Cloud-to-device commands", File.ReadAllText(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
        var compared = await Cli.CliRunner.RunAsync("compare", dir, dir);
        Assert.Equal(0, compared.Code);
        Assert.Contains("| command miss rate |", compared.Out, StringComparison.Ordinal);
        Assert.Contains("| command p99 (ms) |", compared.Out, StringComparison.Ordinal); // the latency is judged as every phase
    }

    [Fact]
    public async Task UnderEdrxACommandWaitsForItsDevicesPagingWindow()
    {
        using var tmp = new TempDir();
        // A command every 4 s per device, longer than the radio's inactivity (1 s): most find the radio idle.
        var profile = RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 6, scenario: "duty-cycle", holdSeconds: 14,
            extra: """, "commands": { "ratePerSecond": 1.5 }""")
            .Replace("\"qos\": 1,", """ "qos": 1, "dutyCycle": { "mode": "edrx", "wakeIntervalSeconds": 60, "edrxSeconds": 5.12, "pagingWindowSeconds": 1.28, "inactivitySeconds": 1 }, """, StringComparison.Ordinal);
        var (code, output, summary, _) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(code == 0, output);
        var latency = summary.GetProperty("histograms").GetProperty("command");
        Assert.True(latency.GetProperty("count").GetInt64() >= 12, output);
        // A command arriving in its device's paging window (1.28 of each 5.12 s) or while the radio is still up goes at once;
        // one arriving outside waits for the next window, up to 3.84 s: well over a tenth of them wait.
        Assert.InRange(latency.GetProperty("p90Ms").GetDouble(), 1_000, 5_120 + 500);
        Assert.InRange(latency.GetProperty("maxMs").GetDouble(), 2_000, 5_120 + 1_000);
    }
}
