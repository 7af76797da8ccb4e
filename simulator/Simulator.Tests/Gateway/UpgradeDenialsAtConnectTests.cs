using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// The other reading of a denied WebSocket upgrade (Mqtt5Options.DenyWebSocketUpgradesAtConnect):
/// the upgrade is accepted and the CONNECT answered, here with the configured 0x86. MQTT.js and
/// our client on MQTT 5 hear the code; a 3.1.1 client is closed without a CONNACK.
/// </summary>
public sealed class UpgradeDenialsAtConnectTests : IClassFixture<UpgradeDenialsAtConnectFixture>
{
    private readonly UpgradeDenialsAtConnectFixture _g;

    public UpgradeDenialsAtConnectTests(UpgradeDenialsAtConnectFixture g) => _g = g;

    [Fact]
    public async Task ADeniedUpgradeIsAnsweredInTheConnAckWithTheConfiguredCode()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[0].Iccid);
        var query = System.Web.HttpUtility.ParseQueryString(onboarded.Username[(onboarded.Username.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        var result = await Proc.RunAsync("node", ["mqttjs-v5.js", "wss", _g.Port, _g.Gateway.CaFile, onboarded.ClientId, "1nce-authorizer", "x" + query["token"], "deny"], workingDirectory: Peers.NodeDir, timeoutMs: 40_000);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("connack-refused 134", result.Stdout, StringComparison.Ordinal);

        TransportOptions Wss(string token) => new()
        {
            Kind = TransportKind.SecureWebSocket,
            Host = "localhost",
            Port = _g.Gateway.Port,
            CaFile = _g.Gateway.CaFile,
            Headers = [new("x-amz-customauthorizer-name", "1nce-authorizer"), new("token", token)],
        };
        var v5 = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Wss("x" + query["token"]), new MqttClientOptions { ClientId = onboarded.ClientId, Version = MqttVersion.V500 }));
        Assert.Equal("ConnAck:BadUserNameOrPassword", v5.FailureClass);
        var v311 = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Wss("x" + query["token"]), new MqttClientOptions { ClientId = onboarded.ClientId }));
        Assert.Equal(FailureKind.ClosedAfterConnect, v311.Kind);

        // An allowed upgrade is unchanged.
        await using var ok = await MqttClientConnection.ConnectAsync(Wss(query["token"]!), new MqttClientOptions { ClientId = onboarded.ClientId, Version = MqttVersion.V500 });
        Assert.True(ok.IsConnected);
    }
}
