using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// The gateway's counters off loopback: a standalone gateway in a network namespace this test
/// makes, listening on a non-loopback address there, asked with curl from that address.
/// </summary>
public sealed class CountersAccessTests
{
    [Fact]
    public async Task FromAnAddressThatIsNotLoopbackTheCountersNeedTheApiKey()
    {
        using var tmp = new TempDir();
        var ns = "simtest-" + Guid.NewGuid().ToString("N")[..8];
        const string Address = "10.213.7.1";
        await Proc.CheckAsync("ip", ["netns", "add", ns]);
        try
        {
            await Proc.CheckAsync("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
            await Proc.CheckAsync("ip", ["netns", "exec", ns, "ip", "addr", "add", Address + "/32", "dev", "lo"]);
            File.WriteAllText(tmp["gateway.json"], """{ "nrfCloudApiKey": "a-key-only-this-test-knows" }""");
            using var gateway = await RunningSimulator.StartAsync(["gateway", "--listen", $"{Address}:8443", "--data", tmp["gw"], "--config", tmp["gateway.json"]], tmp.Path, "onboarding:", ns);
            Task<string> Counters(params string[] extra) => Proc.CheckAsync("ip", ["netns", "exec", ns, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", Path.Combine(tmp["gw"], "tls", "localhost", "AmazonRootCA1.pem"), "--resolve", $"localhost:8443:{Address}", .. extra, "https://localhost:8443/gateway/counters"]);
            Assert.Equal("401", await Counters());
            Assert.Equal("401", await Counters("-H", "Authorization: Bearer local-api-key"));
            Assert.Equal("200", await Counters("-H", "Authorization: Bearer a-key-only-this-test-knows"));
        }
        finally
        {
            await Proc.RunAsync("ip", ["netns", "del", ns]);
        }
    }
}
