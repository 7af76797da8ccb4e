using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Tokens;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>Unique client ids connecting, subscribing and leaving: the gateway keeps nothing of them once they are gone.</summary>
public sealed class ChurnTests
{
    [Fact]
    public async Task ChurningClientIdsLeaveNoBucketsRoutesOrSessionsBehind()
    {
        using var tmp = new TempDir();
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["gw"] });
        using var issuer = new OnceIssuerTokens(gateway.GatewayKeys.Issuer, gateway.GatewayKeys.TokenSigning);
        var tls = new TransportOptions { Kind = TransportKind.Tls, Host = "127.0.0.1", ServerName = gateway.EndpointName, Port = gateway.Port, CaFile = gateway.CaFile, Alpn = ["mqtt"] };
        var sims = Fleet.Generate(new FleetSpec { Seed = 99, Count = 200 });
        foreach (var sim in sims.Devices)
        {
            var (token, signature) = issuer.Issue(sim.Iccid, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            var username = new CustomAuthCredentials(OnceIssuerTokens.DefaultAuthorizerName, OnceIssuerTokens.DefaultTokenKeyName, token, signature).ToUsername(sim.Iccid);
            await using var c = await MqttClientConnection.ConnectAsync(tls, new MqttClientOptions { ClientId = sim.Iccid, Username = username, KeepAliveSeconds = 0 });
            Assert.Equal(new byte[] { 1 }, await c.SubscribeAsync([($"{sim.Iccid}/cmd", Core.Mqtt.MqttQos.AtLeastOnce)]));
            await c.DisconnectAsync();
        }

        Assert.True(gateway.Broker.TrackedClientIds > 0, "the connect-rate buckets are in use during the churn");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((gateway.Broker.TrackedClientIds > 0 || gateway.Broker.Sessions > 0 || gateway.Broker.Router.Routes > 0 || gateway.Broker.Router.Count > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(0, gateway.Broker.Sessions);
        Assert.Equal(0, gateway.Broker.Router.Count);
        Assert.Equal(0, gateway.Broker.Router.Routes);
        Assert.Equal(0, gateway.Broker.TrackedClientIds);
    }
}
