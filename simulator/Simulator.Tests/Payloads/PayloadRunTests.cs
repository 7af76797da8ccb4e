using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Payloads;

/// <summary>
/// A fleet's messages as a backend sees them (MQTTnet subscribed to every device's topic on
/// mosquitto): the template's fields filled per device and per message, sizes in bounds, and every
/// device's own messages still timed back.
/// </summary>
public sealed class PayloadRunTests
{
    private static async Task<(JsonElement Summary, List<(string Topic, byte[] Body)> Seen)> RunAsync(string payload)
    {
        await using var broker = new Mosquitto();
        await broker.InitializeAsync();
        using var backend = new MqttClientFactory().CreateMqttClient();
        var seen = new ConcurrentQueue<(string, byte[])>();
        backend.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await backend.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.TcpPort).WithClientId("backend").Build());
        await backend.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        using var tmp = new TempDir();
        var target = $$"""{ "kind": "endpoint", "host": "127.0.0.1", "port": {{broker.TcpPort}} }""";
        var profile = RunHarness.Profile("mqtt-tcp", "device-jwt", devices: 4, target: target, holdSeconds: 2)
            .Replace("\"qos\": 1,", $"\"qos\": 1, \"payload\": {payload},", StringComparison.Ordinal);
        var (code, output, summary, _) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(code == 0, output);
        await backend.DisconnectAsync();
        return (summary, [.. seen]);
    }

    private static void OwnMessagesCameBack(JsonElement summary, int seen)
    {
        var published = summary.GetProperty("publishes").GetInt64();
        var received = summary.GetProperty("received").GetInt64();
        Assert.True(published >= 8, $"{published} published");
        Assert.True(seen >= published, $"the backend saw {seen} of {published}"); // QoS 1 on loopback: every one
        Assert.InRange(received, published - 4, published); // a device's last message may be in flight at the stop
        Assert.True(summary.GetProperty("histograms").GetProperty("endToEnd").GetProperty("count").GetInt64() == received);
    }

    [Fact]
    public async Task ATemplatesFieldsArriveFilledPerDeviceAndPerMessage()
    {
        const string template = """{"iccid":"{{iccid}}","imei":"{{imei}}","seq":{{seq}},"ts":"{{time}}","t":{{random:18.0:26.5}},"lat":{{lat}},"fill":"{{pad}}"}""";
        var (summary, seen) = await RunAsync($$"""{ "kind": "template", "template": {{JsonSerializer.Serialize(template)}}, "sizeBytes": 200, "sizeMaxBytes": 400 }""");

        var byDevice = new Dictionary<string, List<long>>();
        foreach (var (topic, body) in seen)
        {
            Assert.InRange(body.Length, 200, 400);
            using var doc = JsonDocument.Parse(body);
            var m = doc.RootElement;
            var iccid = m.GetProperty("iccid").GetString()!;
            Assert.Matches(@"^\d{19,20}$", iccid);
            Assert.Matches(@"^\d{15}$", m.GetProperty("imei").GetString());
            Assert.InRange(m.GetProperty("t").GetDouble(), 18.0, 26.5);
            Assert.True(DateTimeOffset.TryParse(m.GetProperty("ts").GetString(), System.Globalization.CultureInfo.InvariantCulture, out var ts));
            Assert.InRange(ts, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow);
            var seqs = byDevice.TryGetValue(topic, out var l) ? l : byDevice[topic] = [];
            seqs.Add(m.GetProperty("seq").GetInt64());
        }

        Assert.Equal(4, byDevice.Count);
        foreach (var (topic, seqs) in byDevice)
        {
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs); // 1, 2, 3, … in order per device
        }

        OwnMessagesCameBack(summary, seen.Count);
    }

    [Fact]
    public async Task RandomBinaryArrivesAtItsSizesAndIsStillTimedBack()
    {
        var (summary, seen) = await RunAsync("""{ "kind": "random", "sizeBytes": 64, "sizeMaxBytes": 2048 }""");
        Assert.All(seen, s => Assert.InRange(s.Body.Length, 64, 2048));
        Assert.Equal(seen.Count, seen.Select(s => Convert.ToBase64String(s.Body)).Distinct().Count());
        OwnMessagesCameBack(summary, seen.Count);
    }
}
