using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>The whole flow for each transport with the device's own tokens (a local issuer, its ES256 JWT), against the embedded gateway; <see cref="OnboardingFleetRunTests"/> has 1NCE's.</summary>
public sealed class FleetRunTests
{
    [Theory]
    [InlineData("wss-custom-auth", "local-issuer")]
    [InlineData("mqtt-alpn", "local-issuer")]
    [InlineData("wss-custom-auth", "device-jwt")]
    [InlineData("mqtt-alpn", "device-jwt")]
    [InlineData("https-publish", "device-jwt")]
    [InlineData("wss-custom-auth", "device-jwt", "query")]
    public Task EveryDeviceConnectsPublishesAndIsAccountedFor(string transport, string tokenSource, string credentials = "headers") => CheckAsync(transport, tokenSource, credentials);

    /// <summary>One run of 12 devices over <paramref name="transport"/> with tokens from <paramref name="tokenSource"/>: every device connects, publishes and is accounted for.</summary>
    internal static async Task CheckAsync(string transport, string tokenSource, string credentials)
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
}
