namespace Simulator.Tests.Load;

/// <summary>The whole flow for each transport with tokens from 1NCE's onboarding endpoint, against the embedded gateway (a class of its own, so it runs beside <see cref="FleetRunTests"/>).</summary>
public sealed class OnboardingFleetRunTests
{
    [Theory]
    [InlineData("wss-custom-auth", "1nce-onboarding")]
    [InlineData("mqtt-alpn", "1nce-onboarding")]
    [InlineData("https-publish", "1nce-onboarding")]
    [InlineData("wss-custom-auth", "1nce-onboarding", "username")] // the v2 SDK's form: a bare upgrade, custom auth at CONNECT
    public Task EveryDeviceConnectsPublishesAndIsAccountedFor(string transport, string tokenSource, string credentials = "headers") => FleetRunTests.CheckAsync(transport, tokenSource, credentials);
}
