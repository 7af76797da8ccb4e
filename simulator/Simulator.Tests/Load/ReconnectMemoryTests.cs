using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// Memory kept per reconnect, client and gateway in one process (as the embedded target runs):
/// devices whose sessions last 0.1 s reconnect all along, and the live managed heap after a full
/// collection must not grow with the number of reconnects. Runs with no other test beside it
/// (serially, and apart from the allocation tests, whose process-wide counts its forced collections would disturb).
/// </summary>
[Collection(SerialCollection.Name)]
[Trait(Tier.Name, Tier.Full)]
public sealed class ReconnectMemoryTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ReconnectMemoryTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task TheLiveHeapDoesNotGrowWithReconnects()
    {
        using var tmp = new TempDir();
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = tmp["gw"],
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers = [new() { Name = "1nce-authorizer", Type = "1nce", SigningDisabled = true }],
        });
        var target = $$"""{ "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": {{gateway.Port}}, "caFile": "{{gateway.CaFile}}", "onboardingUrl": "https://localhost:{{gateway.Port}}" }""";
        var profile = RunHarness.Profile("mqtt-alpn", "1nce-onboarding", devices: 10, target: target, holdSeconds: 40)
            .Replace("\"publishIntervalSeconds\": 0.5", "\"publishIntervalSeconds\": 0.05, \"sessionSeconds\": 0.1", StringComparison.Ordinal)
            .Replace("\"phases\"", "\"warmUp\": { \"devices\": 0 }, \"phases\"", StringComparison.Ordinal);
        using var stop = new CancellationTokenSource();
        var run = RunHarness.RunAsync(profile, tmp, stop.Token);

        // Past start-up (JIT, pools, token caches), then two samples of the live heap far apart.
        Assert.True(await Eventually.TrueAsync(() => gateway.Counters.ConnectsAccepted >= 300, TimeSpan.FromSeconds(30)), "the devices did not reconnect");
        var (heap1, connects1) = (LiveHeap(), gateway.Counters.ConnectsAccepted);
        await Task.Delay(TimeSpan.FromSeconds(15));
        var (heap2, connects2) = (LiveHeap(), gateway.Counters.ConnectsAccepted);
        await stop.CancelAsync();
        await run;

        var reconnects = connects2 - connects1;
        var perReconnect = (heap2 - heap1) / (double)reconnects;
        _output.WriteLine($"live heap {heap1 / 1024} KB -> {heap2 / 1024} KB over {reconnects} reconnects: {perReconnect:F1} bytes per reconnect");
        Assert.True(reconnects >= 500, $"only {reconnects} reconnects in 15 s");
        Assert.True(perReconnect < 1024, $"the live heap grew {(heap2 - heap1) / 1024} KB over {reconnects} reconnects: {perReconnect:F0} bytes kept per reconnect");
    }

    private static long LiveHeap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
