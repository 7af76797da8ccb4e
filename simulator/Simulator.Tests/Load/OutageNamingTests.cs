using System.Text.Json;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// A target that goes away for everyone is an outage, never a policy denial: every session it
/// dropped at once is TargetClosedAll, even a device that had just published (which, alone, would
/// be ClosedAfterPublish). Against a standalone gateway killed with SIGKILL, and an embedded one
/// stopped, while devices publish every 0.2 s.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class OutageNamingTests
{
    private static string Profile(int port, string caFile, int devices) => RunHarness.Profile(
            "mqtt-alpn",
            "1nce-onboarding",
            devices: devices,
            target: $$"""{ "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": {{port}}, "caFile": "{{caFile}}", "onboardingUrl": "https://localhost:{{port}}" }""",
            holdSeconds: 8)
        .Replace("\"publishIntervalSeconds\": 0.5", "\"publishIntervalSeconds\": 0.2", StringComparison.Ordinal)
        .Replace("\"maxAttempts\": 50", "\"maxAttempts\": 1000", StringComparison.Ordinal);

    private static void AssertAnOutage(JsonElement summary, string output, int devices)
    {
        var drops = summary.GetProperty("drops");
        var all = drops.TryGetProperty("TargetClosedAll", out var t) ? t.GetInt64() : 0;
        Assert.True(all >= devices - 2, $"{all} of {devices} connected sessions named TargetClosedAll; drops {drops}\n{output}");
        Assert.False(drops.TryGetProperty("ClosedAfterPublish", out _), $"an outage named a policy denial: {drops}");
        Assert.False(drops.TryGetProperty("ClosedByServer", out _), $"an outage left unnamed: {drops}");
        Assert.Contains(summary.GetProperty("dropsByLastAction").EnumerateObject(), p => p.Name == "TargetClosedAll after Publish");
    }

    [Fact]
    public async Task ASigkilledStandaloneGatewayIsTargetClosedAll()
    {
        using var tmp = new TempDir();
        var port = Ports.Free();
        using var gateway = await RunningSimulator.StartAsync(["gateway", "--listen", $"127.0.0.1:{port}", "--data", tmp["gw"]], tmp.Path, "onboarding:");
        {
            const int devices = 20;
            var run = RunHarness.RunAsync(Profile(port, Path.Combine(tmp["gw"], "tls", "localhost", "AmazonRootCA1.pem"), devices), tmp);

            // The whole fleet connected (the run's own rows say so, as each second closes) and a
            // second of publishing, then the process dies.
            await AllConnectedAsync(tmp, devices);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await gateway.KillAsync();
            var (_, output, summary, _) = await run;
            AssertAnOutage(summary, output, devices);
        }
    }

    [Fact]
    public async Task AStoppedEmbeddedGatewayIsTargetClosedAll()
    {
        using var tmp = new TempDir();
        var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["gw"], Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 } });
        const int devices = 20;
        var run = RunHarness.RunAsync(Profile(gateway.Port, gateway.CaFile, devices), tmp);
        await AllConnectedAsync(tmp, devices);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await gateway.DisposeAsync();
        var (_, output, summary, _) = await run;
        AssertAnOutage(summary, output, devices);
    }

    /// <summary>Waits for a timeseries.csv row with the whole fleet connected (column 6).</summary>
    private static async Task AllConnectedAsync(TempDir tmp, int devices)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var csv = Directory.Exists(tmp["results"]) ? Directory.GetFiles(tmp["results"], "timeseries.csv", SearchOption.AllDirectories).FirstOrDefault() : null;
            if (csv is not null)
            {
                using var reader = new StreamReader(new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (lines.Skip(1).Any(l => l.Split(',') is { Length: > 5 } f && f[5] == devices.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the fleet of {devices} never showed as connected");
    }
}
