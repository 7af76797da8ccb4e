using Simulator.Gateway;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// A throttled connect costs the authorizer nothing on every transport (the gateway's default,
/// QuotaOptions.ThrottledConnectsInvokeAuthorizer false): over WSS with the custom-auth values on
/// the upgrade, where the authorizer answers the upgrade itself, the account's connect rate is
/// checked first, so WSS and ALPN runs report the same authorizer load above the connect quota.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ThrottleOrderTests
{
    [Theory]
    [InlineData("wss-custom-auth")]
    [InlineData("mqtt-alpn")]
    public async Task OverTheAccountsConnectRateTheAuthorizerRunsOnlyForConnectsLetThrough(string transport)
    {
        using var tmp = new TempDir();
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = tmp["gw"],
            Quotas = new QuotaOptions { ConnectsPerSecondPerAccount = 3, ConnectsPerSecondPerClientId = 0 },
        });
        var target = $$"""{ "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": {{gateway.Port}}, "caFile": "{{gateway.CaFile}}", "onboardingUrl": "https://localhost:{{gateway.Port}}" }""";
        var profile = RunHarness.Profile(transport, "1nce-onboarding", devices: 12, target: target, holdSeconds: 1, extra: """, "warmUp": { "required": false }""");
        var (_, output, _, _) = await RunHarness.RunAsync(profile, tmp);

        var throttled = gateway.Counters.Denies.GetValueOrDefault(DenyReason.Throttled);
        Assert.True(throttled > 0, $"12 devices at 50/s against 3 connects/s were never throttled\n{output}");

        // Every invocation is a connect the rate let through: accepted, or denied by custom auth
        // itself (none here). A throttled connect that had invoked it would show as one more.
        var calls = gateway.Counters.AuthorizerCalls;
        var accepted = gateway.Counters.ConnectsAccepted;
        Assert.True(calls == accepted, $"{transport}: {calls} authorizer invocations for {accepted} accepted connects and {throttled} throttled\n{output}");
    }
}
