using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>A run against a plain broker, the nRF Cloud location scenario, and a breached threshold's exit code.</summary>
public sealed class FleetRunTargetTests
{
    [Fact]
    public async Task PlainMqttTcpAgainstMosquitto()
    {
        await using var broker = new Mosquitto();
        await broker.InitializeAsync();
        using var tmp = new TempDir();
        var target = $$"""{ "kind": "endpoint", "host": "127.0.0.1", "port": {{broker.TcpPort}} }""";
        var (code, output, summary, _) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-tcp", "device-jwt", target: target), tmp);
        Assert.True(code == 0, output);
        Assert.Equal(12, summary.GetProperty("devices").GetProperty("peakConnected").GetInt64());
        Assert.True(summary.GetProperty("received").GetInt64() > 0);
    }

    [Fact]
    public async Task TheNrfCloudLocationScenarioFetchesAssistanceDataInRanges()
    {
        using var tmp = new TempDir();
        var (code, output, summary, _) = await RunHarness.RunAsync(RunHarness.Profile("https-publish", "device-jwt", devices: 5, scenario: "nrfcloud-location"), tmp);
        Assert.True(code == 0, output);
        Assert.Equal(5, summary.GetProperty("devices").GetProperty("peakConnected").GetInt64());
        Assert.True(summary.GetProperty("histograms").GetProperty("location").GetProperty("count").GetInt64() >= 10, "each cycle takes at least two 1700-byte ranges");
    }

    [Fact]
    public async Task ABreachedThresholdMakesTheExitCodeNonZero()
    {
        using var tmp = new TempDir();
        var (code, output, summary, _) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 4, extra: """, "thresholds": { "connectP99Ms": 0.001 }"""), tmp);
        Assert.Equal(1, code);
        Assert.False(summary.GetProperty("passed").GetBoolean());
        Assert.Contains("threshold connectP99Ms", output, StringComparison.Ordinal);
        Assert.Contains("BREACHED", output, StringComparison.Ordinal);
    }
}
