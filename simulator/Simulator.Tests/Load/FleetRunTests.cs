using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>The whole flow for each token source and each transport, against the embedded gateway.</summary>
public sealed class FleetRunTests
{
    [Theory]
    [InlineData("wss-custom-auth", "1nce-onboarding")]
    [InlineData("mqtt-alpn", "1nce-onboarding")]
    [InlineData("https-publish", "1nce-onboarding")]
    [InlineData("wss-custom-auth", "local-issuer")]
    [InlineData("mqtt-alpn", "local-issuer")]
    [InlineData("wss-custom-auth", "device-jwt")]
    [InlineData("mqtt-alpn", "device-jwt")]
    [InlineData("https-publish", "device-jwt")]
    [InlineData("wss-custom-auth", "1nce-onboarding", "username")] // the v2 SDK's form: a bare upgrade, custom auth at CONNECT
    [InlineData("wss-custom-auth", "device-jwt", "query")]
    public async Task EveryDeviceConnectsPublishesAndIsAccountedFor(string transport, string tokenSource, string credentials = "headers")
    {
        using var tmp = new TempDir();
        var profile = RunHarness.Profile(transport, tokenSource).Replace($"\"kind\": \"{transport}\" }}", $"\"kind\": \"{transport}\", \"credentials\": \"{credentials}\" }}", StringComparison.Ordinal);
        Assert.Contains($"\"credentials\": \"{credentials}\"", profile, StringComparison.Ordinal);
        var (code, output, summary, dir) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(code == 0, output);
        Assert.Equal(12, summary.GetProperty("devices").GetProperty("peakConnected").GetInt64());
        Assert.Equal(0, summary.GetProperty("errorRate").GetDouble());
        Assert.Equal(summary.GetProperty("attempts").GetInt64(), summary.GetProperty("successes").GetInt64());
        if (transport != "https-publish")
        {
            Assert.Contains("warm-up: 3 of 3 devices connected", output, StringComparison.Ordinal);
            Assert.Equal(12, summary.GetProperty("attempts").GetInt64()); // the warm-up's connects are left out
        }

        Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean(), output);
        Assert.True(summary.GetProperty("publishes").GetInt64() >= 12, output);
        if (transport != "https-publish")
        {
            Assert.True(summary.GetProperty("received").GetInt64() > 0, "devices should read their own telemetry back");
            Assert.True(summary.GetProperty("histograms").GetProperty("pubAck").GetProperty("count").GetInt64() > 0);
        }

        var tokenPhase = tokenSource == "1nce-onboarding" ? "tokenFetch" : "tokenMint";
        Assert.True(summary.GetProperty("histograms").GetProperty(tokenPhase).GetProperty("count").GetInt64() >= 12);
        if (transport != "https-publish")
        {
            // One token per device, the warm-up's own recorder keeping its three out of the run's.
            Assert.Equal(12, summary.GetProperty("histograms").GetProperty(tokenPhase).GetProperty("count").GetInt64());
        }
        Assert.True(File.Exists(Path.Combine(dir, "report.html")));
        Assert.True(File.ReadAllLines(Path.Combine(dir, "timeseries.csv")).Length > 3);
    }

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
