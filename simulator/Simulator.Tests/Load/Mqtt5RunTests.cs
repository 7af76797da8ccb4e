using System.Text.Json;
using Simulator.Gateway;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// A fleet on <c>device.mqttVersion: 5</c> end to end against the gateway: each denied connect is
/// counted under its CONNACK reason code, the summary keeps the codes apart, every attempt is
/// still a success or a named failure, and the fleet recovers when the faults clear.
/// </summary>
public sealed class Mqtt5RunTests
{
    private static async Task<(JsonElement Summary, string Output, GatewayCounters Counters)> RunAsync(FaultOptions fault, QuotaOptions quotas, string transport)
    {
        using var tmp = new TempDir();
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["gw"], Quotas = quotas, Faults = fault });
        var target = $$"""{ "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": {{gateway.Port}}, "caFile": "{{gateway.CaFile}}", "onboardingUrl": "https://localhost:{{gateway.Port}}" }""";
        var profile = RunHarness.Profile(transport, "1nce-onboarding", devices: 20, target: target, holdSeconds: 8, extra: """, "warmUp": { "devices": 0 }""")
            .Replace("\"scenario\": \"telemetry\",", "\"scenario\": \"telemetry\", \"mqttVersion\": 5, \"mqtt5\": { \"sessionExpirySeconds\": 600, \"userProperties\": { \"fw\": \"2.0.1\" }, \"publishUserProperties\": { \"device\": \"{id}\" }, \"contentType\": \"application/json\" },", StringComparison.Ordinal);
        Assert.Contains("\"mqttVersion\": 5", profile, StringComparison.Ordinal);
        await using var storm = FaultStorm.ClearAfter(gateway.Faults, 8);
        var (_, output, summary, _) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(storm.ClearedByCount, "the gateway injected fewer than 8 authorizer failures during the run");
        return (summary, output, gateway.Counters);
    }

    [Theory]
    [InlineData("mqtt-alpn")]
    [InlineData("wss-custom-auth")]
    public async Task DeniedConnectsAreCountedByReasonCodeAndTheFleetRecovers(string transport)
    {
        // Failing authorizers until 8 failures happened, and an account connect rate that throttles the ramp.
        var (summary, output, counters) = await RunAsync(new FaultOptions { AuthorizerFailureRate = 0.6 }, new QuotaOptions { ConnectsPerSecondPerClientId = 0, ConnectsPerSecondPerAccount = 15 }, transport);
        var failures = summary.GetProperty("failures").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.DoesNotContain("ClosedAfterConnect", failures.Keys); // 3.1.1's close without a CONNACK is gone on MQTT 5

        // Each denial the gateway counted is one the devices heard, under its own name: over ALPN the
        // authorizer's in the CONNACK; over WSS with custom-auth headers at the upgrade (HTTP 403),
        // before any MQTT. A throttled connect is CONNACK 0x97 on both.
        var authorizerClass = transport == "mqtt-alpn" ? "ConnAck:NotAuthorized" : "WebSocketUpgradeRefused";
        Assert.True(failures.GetValueOrDefault(authorizerClass) > 0, output);
        Assert.Equal(counters.Denies.GetValueOrDefault(DenyReason.AuthorizerFailed), failures[authorizerClass]);
        Assert.True(failures.GetValueOrDefault("ConnAck:QuotaExceeded") > 0, output);
        Assert.Equal(counters.Denies.GetValueOrDefault(DenyReason.Throttled), failures["ConnAck:QuotaExceeded"]);
        // Every attempt reached the gateway and is a success or a named failure: the devices' counts against the gateway's.
        Assert.Equal(counters.ConnectsAccepted, summary.GetProperty("successes").GetInt64());
        Assert.Equal(summary.GetProperty("attempts").GetInt64(), counters.ConnectsAccepted + counters.Denies.Values.Sum());
        Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean(), output);
        Assert.Equal(20, summary.GetProperty("devices").GetProperty("connectedAtLastHold").GetInt64());
    }

    /// <summary>
    /// Devices that reconnect every 2 s without a clean start (MQTT 5 Clean Start, 3.1.1 Clean
    /// Session) get their kept session back and do not subscribe again: the gateway grants one
    /// subscription per device for the whole run, and every message still comes back over the kept
    /// subscriptions.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public async Task ResumedSessionsSkipTheSubscribeAndStillGetTheirMessages(int version)
    {
        using var tmp = new TempDir();
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["gw"], Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 } });
        var target = $$"""{ "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": {{gateway.Port}}, "caFile": "{{gateway.CaFile}}", "onboardingUrl": "https://localhost:{{gateway.Port}}" }""";
        var profile = RunHarness.Profile("mqtt-alpn", "1nce-onboarding", devices: 10, target: target, holdSeconds: 7, extra: """, "warmUp": { "devices": 0 }""")
            .Replace("\"scenario\": \"telemetry\",", "\"scenario\": \"telemetry\", \"sessionSeconds\": 2, " + (version == 5 ? "\"mqttVersion\": 5, \"mqtt5\": { \"sessionExpirySeconds\": 600, \"cleanStart\": false }," : "\"cleanSession\": false,"), StringComparison.Ordinal);
        Assert.Contains(version == 5 ? "\"cleanStart\": false" : "\"cleanSession\": false", profile, StringComparison.Ordinal);
        var (_, output, summary, _) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(summary.GetProperty("successes").GetInt64() >= 25, output); // each device reconnected at least twice
        Assert.Equal(10, gateway.Counters.Subscriptions);
        Assert.True(summary.GetProperty("received").GetInt64() > 0, output);
        var publishes = summary.GetProperty("publishes").GetInt64();
        Assert.InRange(summary.GetProperty("received").GetInt64(), publishes - 10, publishes); // at most a device's last message, in flight at the run's end
    }
}
