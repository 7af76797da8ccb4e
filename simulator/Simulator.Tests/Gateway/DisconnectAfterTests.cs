using System.Diagnostics;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

public sealed class DisconnectAfterTests : IClassFixture<ShortTtlGatewayFixture>
{
    private readonly ShortTtlGatewayFixture _g;

    public DisconnectAfterTests(ShortTtlGatewayFixture g) => _g = g;

    [Theory]
    [InlineData(MqttVersion.V311)]
    [InlineData(MqttVersion.V500)]
    public async Task DisconnectAfterInSecondsCutsTheConnectionOnTime(MqttVersion version)
    {
        var iccid = _g.Fleet[0].Iccid;
        var (username, _, _, _) = await _g.OnboardWithCurlAsync(iccid);
        var transport = new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _g.Gateway.Port, CaFile = _g.Gateway.CaFile, Alpn = ["mqtt"] };
        var sw = Stopwatch.StartNew();
        var (client, _) = await ClientHarness.ConnectAsync(transport, new MqttClientOptions { ClientId = iccid, Username = username, Version = version });
        var sinceConnAck = Stopwatch.StartNew();
        await using (client)
        {
            var reason = await client.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(FailureKind.ClosedByServer, reason!.Kind);

            // 2 s from the gateway's CONNECT, checked by a 1 s timer: at least 2 s after the client
            // began, at most 3 s after its CONNACK (however long the connect itself took).
            Assert.True(sw.Elapsed.TotalSeconds >= 1.9, $"cut {sw.Elapsed.TotalSeconds:F2} s after the connect began");
            Assert.True(sinceConnAck.Elapsed.TotalSeconds <= 3.5, $"cut {sinceConnAck.Elapsed.TotalSeconds:F2} s after CONNACK");

            // MQTT 5 hears why: the authorizer's TTL is the spec's Maximum connect time [U].
            Assert.Equal(version == MqttVersion.V500 ? "Disconnect:MaximumConnectTime" : "ClosedByServer", reason.FailureClass);
        }
    }
}
