using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// Drops are named by what happened, checked against the gateway's lifecycle events (the ground
/// truth): sessions the authorizer cut at disconnectAfterInSeconds are SessionExpired, never an
/// "AWS policy denial" because a PUBLISH happened to be the last thing sent.
/// </summary>
[Collection(SerialCollection.Name)] // real seconds are the point (latency steps, 2 s sessions): run alone, not beside three other classes
public sealed class DropNamingTests
{
    [Fact]
    public async Task SessionsCutAtTheAuthorizersLifetimeAreSessionExpiredAsTheGatewaySays()
    {
        using var tmp = new TempDir();
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = tmp["gw"],
            MinimumAuthTtlSeconds = 1,
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers = [new() { Name = "1nce-authorizer", Type = "1nce", SigningDisabled = true, DisconnectAfterInSeconds = 2, RefreshAfterInSeconds = 86_400 }],
        });
        var target = $$"""{ "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": {{gateway.Port}}, "caFile": "{{gateway.CaFile}}", "onboardingUrl": "https://localhost:{{gateway.Port}}" }""";

        // Publishing every 0.2 s, so a PUBLISH is usually the last thing a device sent when it is cut.
        var profile = RunHarness.Profile("mqtt-alpn", "1nce-onboarding", devices: 8, target: target, holdSeconds: 7)
            .Replace("\"publishIntervalSeconds\": 0.5", "\"publishIntervalSeconds\": 0.2, \"sessionLifetimeSeconds\": 2", StringComparison.Ordinal);
        var (_, output, summary, _) = await RunHarness.RunAsync(profile, tmp);

        var cutByGateway = gateway.Counters.DisconnectReasons.GetValueOrDefault("CUSTOMAUTH_TTL_EXPIRATION");
        var drops = summary.GetProperty("drops");
        var expired = drops.TryGetProperty("SessionExpired", out var e) ? e.GetInt64() : 0;
        // The devices' own view goes with a failure: where they were (ended, crashed), what was interrupted, what the generator saw.
        var devices = $"devices {summary.GetProperty("devices")}, interrupted {summary.GetProperty("interrupted")}, crashes {summary.GetProperty("crashes")}, generator {summary.GetProperty("generator")}";
        Assert.True(cutByGateway >= 16, $"8 devices over ~8 s of 2 s sessions; gateway cut {cutByGateway}\n{devices}\n{output}");

        // Every cut the gateway made is one the client named SessionExpired, bar cuts racing the run's own stop.
        Assert.InRange(expired, cutByGateway - 8, cutByGateway);
        Assert.False(drops.TryGetProperty("ClosedAfterPublish", out _), drops.ToString());
        Assert.True(summary.GetProperty("dropsByLastAction").EnumerateObject().Any(p => p.Name == "SessionExpired after Publish"), "the last action is kept beside the name");
        Assert.True(summary.GetProperty("histograms").GetProperty("sessionAgeAtDrop").GetProperty("p50Ms").GetDouble() >= 1500);
    }
}
