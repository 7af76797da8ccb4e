using System.Text.Json;
using Simulator.Tests.Cli;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Consumers;

/// <summary>
/// Backend consumers over real sockets: on the embedded gateway as a shared subscription's members,
/// and on mosquitto as one plain subscriber. What they got is checked against what the devices had
/// PUBACKs for, and a loss the gateway injects (every Nth delivery not sent, counted by the gateway's
/// own rule) is found exactly, fails the run's threshold and is a regression to <c>compare</c>.
/// </summary>
public sealed class ConsumerRunTests
{
    private static string Embedded(int consumers, string extra = "", bool subscribe = true, int devices = 12, double hold = 3) =>
        RunHarness.Profile("mqtt-alpn", "device-jwt", devices: devices, holdSeconds: hold, extra: $$""", "consumers": { "count": {{consumers}} }{{extra}}""")
            .Replace("\"qos\": 1,", $"\"qos\": 1, \"subscribe\": {(subscribe ? "true" : "false")},", StringComparison.Ordinal);

    private const string Payload = """ "payload": { "kind": "template", "template": "{\"seq\":{{seq}},\"t\":{{random:0:9}}}" } """;

    internal static List<Simulator.Core.Metrics.SecondRow> Rows(string dir)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "timeseries.csv"));
        var reader = new Simulator.Core.Results.TimeseriesReader(lines[0], "timeseries.csv");
        return [.. lines.Skip(1).Select((l, i) => reader.Parse(l, i + 2))];
    }

    private static JsonElement Consumers(JsonElement summary) => summary.GetProperty("consumers");

    [Fact]
    public async Task ThreeConsumersOnAShareGetEveryAcknowledgedMessageOnceAndTimeIt()
    {
        using var tmp = new TempDir();
        var (code, output, summary, dir) = await RunHarness.RunAsync(Embedded(3, """, "thresholds": { "errorRate": 0, "consumerLossRate": 0, "deliveryP99Ms": 5000 }"""), tmp);
        Assert.True(code == 0, output);
        var c = Consumers(summary);
        var acked = summary.GetProperty("pubAcks").GetInt64();
        Assert.True(acked >= 24, $"{acked} PUBACKs");
        Assert.Equal(3, c.GetProperty("count").GetInt32());
        Assert.Equal("$share/fleet-backend/+/telemetry", c.GetProperty("topic").GetString());
        Assert.InRange(c.GetProperty("received").GetInt64(), acked, summary.GetProperty("publishes").GetInt64()); // a publish cut before its PUBACK may still arrive
        Assert.Equal(0, c.GetProperty("lost").GetInt64());
        Assert.Equal(0, c.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, c.GetProperty("unknown").GetInt64());
        Assert.Equal(0, c.GetProperty("droppedConnections").GetInt64());
        Assert.Equal(c.GetProperty("received").GetInt64(), summary.GetProperty("histograms").GetProperty("delivery").GetProperty("count").GetInt64());
        Assert.Contains("consumers: 3 on $share/fleet-backend/+/telemetry", output, StringComparison.Ordinal);
        Assert.Equal(c.GetProperty("received").GetInt64(), Rows(dir).Sum(r => r.ConsumersReceived)); // each second's share, as timeseries.csv has it
        Assert.Contains("Backend consumers", File.ReadAllText(Path.Combine(dir, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALossOfEveryHundredthDeliveryIsCaughtExactlyFailsTheRunAndIsARegression()
    {
        // The devices do not subscribe, so every delivery the gateway makes is a consumer's: it loses deliveries 100, 200, ….
        using var tmp = new TempDir();
        var baseline = await RunHarness.RunAsync(Embedded(2, subscribe: false, devices: 40, hold: 4), tmp);
        Assert.True(baseline.Code == 0, baseline.Output);
        Assert.Equal(0, Consumers(baseline.Summary).GetProperty("lost").GetInt64());

        using var tmp2 = new TempDir();
        var lossy = await RunHarness.RunAsync(Embedded(2, """, "gateway": { "faults": { "deliveryLossEvery": 100 } }, "thresholds": { "consumerLossRate": 0 }""", subscribe: false, devices: 40, hold: 4), tmp2);
        var c = Consumers(lossy.Summary);
        var received = c.GetProperty("received").GetInt64();
        var lost = c.GetProperty("lost").GetInt64();
        Assert.True(received + lost >= 200, $"{received} received, {lost} lost: too few for the plant to show\n{lossy.Output}");
        Assert.Equal((received + lost) / 100, lost);
        Assert.Equal(0, c.GetProperty("duplicates").GetInt64());
        Assert.Equal(1, lossy.Code);
        Assert.Contains("threshold consumerLossRate", lossy.Output, StringComparison.Ordinal);

        var compared = await CliRunner.RunAsync("compare", baseline.Dir, lossy.Dir);
        Assert.Equal(1, compared.Code);
        Assert.Matches(@"\| consumer loss rate \| 0\.000 % \| [01]\.\d{3} % \| \+[01]\.\d{3} pt \| REGRESSION \|", compared.Out);
        var tolerant = await CliRunner.RunAsync("compare", baseline.Dir, lossy.Dir, "--loss-tolerance", "0.5", "--tolerance", "100");
        Assert.Contains("| ok |", tolerant.Out.Split('\n').Single(l => l.StartsWith("| consumer loss rate", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(0, (await CliRunner.RunAsync("compare", baseline.Dir, baseline.Dir)).Code);
    }

    [Fact]
    public async Task OnePlainConsumerOnMosquittoGetsATemplatesMessages()
    {
        await using var broker = new Mosquitto();
        await broker.InitializeAsync();
        using var tmp = new TempDir();
        var target = $$"""{ "kind": "endpoint", "host": "127.0.0.1", "port": {{broker.TcpPort}} }""";
        var profile = RunHarness.Profile("mqtt-tcp", "device-jwt", devices: 6, target: target, holdSeconds: 2, extra: """, "consumers": { "count": 1, "topic": "+/telemetry" }""")
            .Replace("\"qos\": 1,", "\"qos\": 1, " + Payload + ",", StringComparison.Ordinal);
        var (code, output, summary, _) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(code == 0, output);
        var c = Consumers(summary);
        Assert.True(c.GetProperty("received").GetInt64() >= summary.GetProperty("pubAcks").GetInt64() && summary.GetProperty("pubAcks").GetInt64() > 6, c.ToString());
        Assert.Equal(0, c.GetProperty("lost").GetInt64());
        Assert.Equal(0, c.GetProperty("unknown").GetInt64());
    }
}
