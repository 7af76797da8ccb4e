using System.Globalization;
using Simulator.Core.Identity;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// Runs against a gateway whose faults the test switches on and off: a 503 onboarding storm,
/// failing authorizers, dropped connections. Every second the accounting identity must hold,
/// every attempt must be counted once, and the fleet must recover when the fault clears.
/// </summary>
public sealed class FaultRunTests
{
    private static async Task<(List<string[]> Rows, System.Text.Json.JsonElement Summary, int Code, string Output)> RunWithFaultAsync(FaultOptions fault, int clearAfterFaults, string transport = "mqtt-alpn")
    {
        using var tmp = new TempDir();
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["gw"], Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 }, Faults = fault });
        var target = $$"""{ "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": {{gateway.Port}}, "caFile": "{{gateway.CaFile}}", "onboardingUrl": "https://localhost:{{gateway.Port}}" }""";
        // No warm-up: the storm starts with the first device and clears once it has hit the fleet.
        var profile = RunHarness.Profile(transport, "1nce-onboarding", devices: 20, target: target, holdSeconds: 9, extra: """, "warmUp": { "devices": 0 }""");
        var (code, output, summary, dir) = (0, string.Empty, default(System.Text.Json.JsonElement), string.Empty);
        await using (var storm = FaultStorm.ClearAfter(gateway.Faults, clearAfterFaults))
        {
            (code, output, summary, dir) = await RunHarness.RunAsync(profile, tmp);
            Assert.True(storm.ClearedByCount, $"the gateway injected fewer than {clearAfterFaults} faults during the run");
        }

        // The devices' successes against the gateway's own count of the CONNACKs it accepted.
        Assert.Equal(gateway.Counters.ConnectsAccepted, summary.GetProperty("successes").GetInt64());
        var rows = File.ReadAllLines(Path.Combine(dir, "timeseries.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        return (rows, summary, code, output);
    }

    private static void AssertAccounting(List<string[]> rows, System.Text.Json.JsonElement summary)
    {
        // Every second: devices = connecting + connected + backing off + given up.
        foreach (var r in rows)
        {
            var devices = long.Parse(r[3], CultureInfo.InvariantCulture);
            var sum = long.Parse(r[4], CultureInfo.InvariantCulture) + long.Parse(r[5], CultureInfo.InvariantCulture) + long.Parse(r[6], CultureInfo.InvariantCulture) + long.Parse(r[7], CultureInfo.InvariantCulture);
            Assert.Equal(devices, sum);
            Assert.Equal("true", r[8]);
        }

        // Every attempt is a success or a named failure, counted once: the summary's totals against
        // the seconds' counts (the seconds are counted as outcomes happen, the totals at the end).
        var failures = summary.GetProperty("failures").EnumerateObject().Sum(p => p.Value.GetInt64());
        var perSecondOk = rows.Sum(r => long.Parse(r[10], CultureInfo.InvariantCulture));
        var perSecondFailed = rows.Sum(r => long.Parse(r[11], CultureInfo.InvariantCulture));
        Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean());
        Assert.Equal(summary.GetProperty("successes").GetInt64(), perSecondOk);
        Assert.Equal(failures, perSecondFailed);
    }

    /// <summary>
    /// The engine's census taken the moment the hold ended. The last row labelled "hold" is not it:
    /// on a loaded machine that row can close after the ramp-down has begun, and read 0.
    /// </summary>
    private static long ConnectedAtEndOfHold(System.Text.Json.JsonElement summary) =>
        summary.GetProperty("devices").GetProperty("connectedAtLastHold").GetInt64();

    [Fact]
    public async Task AnOnboardingStormIsRetriedCountedAndRecoveredFrom()
    {
        var (rows, summary, _, output) = await RunWithFaultAsync(new FaultOptions { OnboardingErrorRate = 1.0 }, clearAfterFaults: 120);
        AssertAccounting(rows, summary);
        Assert.True(summary.GetProperty("failures").GetProperty("Onboarding503").GetInt64() > 0, output);
        Assert.Equal(20, ConnectedAtEndOfHold(summary));
    }

    [Fact]
    public async Task FailingAuthorizersAreNamedAndTheFleetRecovers()
    {
        var (rows, summary, _, output) = await RunWithFaultAsync(new FaultOptions { AuthorizerFailureRate = 0.7 }, clearAfterFaults: 10);
        AssertAccounting(rows, summary);
        Assert.True(summary.GetProperty("failures").GetProperty("ClosedAfterConnect").GetInt64() > 0, output);
        Assert.Equal(20, ConnectedAtEndOfHold(summary));
    }

    [Fact]
    public async Task DroppedConnectionsAreCountedAndReconnected()
    {
        var (rows, summary, _, output) = await RunWithFaultAsync(new FaultOptions { ConnectionDropRatePerSecond = 0.3 }, clearAfterFaults: 6);
        AssertAccounting(rows, summary);
        Assert.True(summary.GetProperty("drops").EnumerateObject().Sum(p => p.Value.GetInt64()) > 0, output);
        Assert.True(summary.GetProperty("successes").GetInt64() > 20, "dropped devices reconnect");
        Assert.Equal(20, ConnectedAtEndOfHold(summary));
    }
}
