using System.Security.Cryptography;
using System.Text;
using Simulator.Core.Identity;
using Simulator.Core.Onboarding;
using Simulator.Core.Onboarding.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Every length that comes from the network is bounded, on both sides, and a topic is decoded once:
/// requests to the gateway driven with curl, and our clients against a scripted server that answers too much.
/// </summary>
public sealed class NetworkBoundsTests
{
    private static async Task<(LocalGateway Gateway, Fleet Fleet, string Token, TempDir Dir)> StartAsync()
    {
        var tmp = new TempDir();
        var fleet = FleetStore.Create(new FleetSpec { Seed = 12, Count = 1 }, tmp["fleet"]);
        var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = tmp["data"],
            FleetDirectory = tmp["fleet"],
            Authorizers = [new() { Name = "device-jwt", Type = "device-jwt", SigningDisabled = true }],
        });
        using var ec = ECDsa.Create();
        ec.ImportFromPem(fleet[0].PublicKeyPem);
        gateway.Keys.Register(fleet[0].DeviceId, ec.ExportSubjectPublicKeyInfo());
        var token = (await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "0")).Out.Trim();
        return (gateway, fleet, token, tmp);
    }

    private static Task<string> Curl(LocalGateway g, params string[] args) =>
        Proc.CheckAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", g.CaFile, .. args]);

    [Fact]
    public async Task AnAgnssRequestIsReadToFourKilobytesAndNamesOnlyTypesThatExist()
    {
        var (g, _, token, tmp) = await StartAsync();
        await using (g)
        using (tmp)
        {
            var url = $"https://localhost:{g.Port}/v1/location/agnss";
            string[] Post(string bodyFile) => ["-X", "POST", "-H", $"Authorization: Bearer {token}", "-H", "Content-Type: application/json", "-H", "Range: bytes=0-1699", "--data-binary", "@" + bodyFile, url];

            // About 2 MB of types (it once made the gateway build a 2 GB answer): refused by its length.
            File.WriteAllText(tmp["huge.json"], "{\"types\":[" + string.Join(',', Enumerable.Repeat("2", 1_000_000)) + "]}");
            Assert.Equal("413", await Curl(g, Post(tmp["huge.json"])));

            // The same, chunked (no length declared): refused once it passes 4 KB.
            Assert.Equal("413", await Curl(g, [.. Post(tmp["huge.json"]), "-H", "Transfer-Encoding: chunked"]));

            File.WriteAllText(tmp["unknown.json"], "{\"types\":[99]}");
            Assert.Equal("400", await Curl(g, Post(tmp["unknown.json"])));

            // Each type once: asking for one twice is the same answer as asking once.
            File.WriteAllText(tmp["twice.json"], "{\"types\":[2,2,2,2]}");
            Assert.Equal("206", await Curl(g, Post(tmp["twice.json"])));
        }
    }

    [Fact]
    public async Task AnHttpsPublishReadsAtMostItsQuotaAndDecodesItsTopicOnce()
    {
        var (g, fleet, token, tmp) = await StartAsync();
        await using (g)
        using (tmp)
        {
            var me = fleet[0].DeviceId;
            string[] Publish(string topic, string bodyFile) => ["-X", "POST", $"https://localhost:{g.Port}/topics/{topic}?qos=1", "-H", "x-amz-customauthorizer-name: device-jwt", "-H", $"token: {token}", "--data-binary", "@" + bodyFile];
            File.WriteAllText(tmp["x"], "x");
            Assert.Equal("200", await Curl(g, Publish($"{me}/telemetry", tmp["x"])));

            // %252F is "%2F" on the wire, a percent sign and 2F: decoded once it is the text "%2F",
            // never a slash (decoded twice, it let a device publish below its own name).
            Assert.Equal("403", await Curl(g, Publish($"{me}%252Ftelemetry", tmp["x"])));

            // A wildcard in a PUBLISH topic is refused [MQTT-3.3.2-2].
            Assert.Equal("400", await Curl(g, Publish($"{me}/%23", tmp["x"])));
            Assert.Equal("400", await Curl(g, Publish($"{me}/%2B", tmp["x"])));

            // 200 KB against the 128 KB quota: refused by its length, and chunked once it passes the quota.
            File.WriteAllBytes(tmp["big"], new byte[200 * 1024]);
            Assert.Equal("413", await Curl(g, Publish($"{me}/telemetry", tmp["big"])));
            Assert.Equal("413", await Curl(g, [.. Publish($"{me}/telemetry", tmp["big"]), "-H", "Transfer-Encoding: chunked"]));
        }
    }

    [Fact]
    public async Task OurOnboardingClientRefusesAnAnswerLongerThan64Kilobytes()
    {
        await using var server = new ScriptedServer(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 16, ct);
            var body = new string('a', 1024 * 1024);
            await s.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"), ct);
        });
        using var client = new OnboardingClient(new Uri($"http://127.0.0.1:{server.Port}"), new HttpConnectOptions(), retries: 1);
        var e = await Assert.ThrowsAsync<OnboardingException>(() => client.FetchAsync("8988228066614400001", CancellationToken.None));
        Assert.Equal("OnboardingTooLarge", e.FailureClass);
    }
}
