using System.Net;
using Simulator.Core.Identity;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Auth;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>Injected faults and AWS's default quotas, each on its own gateway.</summary>
public sealed class GatewayFaultAndQuotaTests
{
    private static async Task<(LocalGateway Gateway, Fleet Fleet, TempDir Dir)> StartAsync(FaultOptions faults, QuotaOptions? quotas = null)
    {
        var dir = new TempDir();
        var fleet = FleetStore.Create(new FleetSpec { Seed = 8, Count = 2 }, dir["fleet"]);
        var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = dir["data"], FleetDirectory = dir["fleet"], Faults = faults, Quotas = quotas ?? new QuotaOptions() });
        return (gateway, fleet, dir);
    }

    private static HttpClient Http(LocalGateway g, string iccid)
    {
        var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = new Uri($"https://localhost:{g.Port}") };
        http.DefaultRequestHeaders.Add("X-Sim-Iccid", iccid);
        return http;
    }

    [Fact]
    public async Task AnOnboardingStormAnswers503WithTheErrorShape()
    {
        var (g, fleet, dir) = await StartAsync(new FaultOptions { OnboardingErrorRate = 1.0 });
        await using (g)
        using (dir)
        using (var http = Http(g, fleet[0].Iccid))
        {
            using var response = await http.GetAsync("/device-api/onboarding/mqtt/tokens");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("\"statusText\":\"Service Unavailable\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AFailingAuthorizerDeniesAndIsCountedAsAFailureNotADenial()
    {
        var (g, fleet, dir) = await StartAsync(new FaultOptions { AuthorizerFailureRate = 1.0, AuthorizerLatencyMs = 50 });
        await using (g)
        using (dir)
        using (var http = Http(g, fleet[0].Iccid))
        {
            var json = await http.GetStringAsync("/device-api/onboarding/mqtt/tokens");
            var username = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("username").GetString()!;
            var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(
                new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = g.Port, CaFile = g.CaFile, Alpn = ["mqtt"] },
                new MqttClientOptions { ClientId = fleet[0].Iccid, Username = username }));
            Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
            Assert.Equal(1, g.Counters.Denies[DenyReason.AuthorizerFailed]);
            Assert.True(g.Counters.MeanAuthorizerMs >= 45, $"injected latency not seen: {g.Counters.MeanAuthorizerMs} ms");
        }
    }

    [Fact]
    public async Task TheDefaultQuotaAllowsOneConnectPerSecondPerClientId()
    {
        var (g, fleet, dir) = await StartAsync(new FaultOptions());
        await using (g)
        using (dir)
        using (var http = Http(g, fleet[1].Iccid))
        {
            var json = await http.GetStringAsync("/device-api/onboarding/mqtt/tokens");
            var username = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("username").GetString()!;
            var transport = new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = g.Port, CaFile = g.CaFile, Alpn = ["mqtt"] };
            var options = new MqttClientOptions { ClientId = fleet[1].Iccid, Username = username };
            await using var first = await MqttClientConnection.ConnectAsync(transport, options);
            var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(transport, options));
            Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
            Assert.Equal(1, g.Counters.Denies[DenyReason.Throttled]);
            await Task.Delay(1100);
            await using var third = await MqttClientConnection.ConnectAsync(transport, options);
            Assert.True(third.IsConnected);
        }
    }
}
