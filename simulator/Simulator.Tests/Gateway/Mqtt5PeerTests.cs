using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Real MQTT 5 clients against the gateway's custom-auth front door: MQTT.js 5.16 (protocolVersion
/// 5, over WSS with custom-auth headers and over ALPN "mqtt"), the AWS IoT Device SDK v2's
/// Mqtt5Client (direct and WebSockets, signed and unsigned), and mosquitto's clients with
/// <c>-V mqttv5</c>. Each connects, gets its own message back, and gets the reason code AWS's
/// MQTT 5 broker answers with when it is denied.
/// </summary>
public sealed class Mqtt5PeerTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _g;

    public Mqtt5PeerTests(GatewayFixture g) => _g = g;

    private async Task<(string ClientId, string Username, System.Collections.Specialized.NameValueCollection Query)> OnboardAsync(int device)
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[device].Iccid);
        var query = System.Web.HttpUtility.ParseQueryString(onboarded.Username[(onboarded.Username.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        return (onboarded.ClientId, onboarded.Username, query);
    }

    private async Task<Proc.Result> NodeAsync(params string[] args)
    {
        var result = await Proc.RunAsync("node", args, workingDirectory: Peers.NodeDir, timeoutMs: 40_000);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}{result.Stderr}\ngateway denies: {string.Join(", ", _g.Gateway.Counters.Denies.Select(d => $"{d.Key}={d.Value}"))}");
        return result;
    }

    [Theory]
    [InlineData("wss", 0)]
    [InlineData("alpn", 1)]
    public async Task MqttJsOnMqtt5GetsAwsLimitsItsMessagesWithPropertiesAndAPubAckThatSaysNo(string form, int device)
    {
        var (clientId, username, query) = await OnboardAsync(device);
        var result = await NodeAsync("mqttjs-v5.js", form, _g.Port, _g.Gateway.CaFile, clientId, "1nce-authorizer", form == "wss" ? query["token"]! : username);
        var connack = JsonDocument.Parse(result.Stdout.Split('\n').Single(l => l.StartsWith("connack ", StringComparison.Ordinal))[8..]).RootElement;
        Assert.Equal(0, connack.GetProperty("reasonCode").GetInt32());
        var p = connack.GetProperty("properties");
        Assert.Equal(3600, p.GetProperty("sessionExpiryInterval").GetInt32());
        Assert.Equal(30, p.GetProperty("serverKeepAlive").GetInt32());
        Assert.Equal(8, p.GetProperty("topicAliasMaximum").GetInt32());
        Assert.Equal(1, p.GetProperty("maximumQoS").GetInt32());
        Assert.False(p.GetProperty("subscriptionIdentifiersAvailable").GetBoolean());
        var messages = result.Stdout.Split('\n').Where(l => l.StartsWith("message ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.Contains($"message {clientId}/mqttjs-v5 ", m, StringComparison.Ordinal));
        Assert.All(messages, m => Assert.Contains("\"userProperties\":{\"imei\":\"352656100000001\"}", m, StringComparison.Ordinal));
        Assert.All(messages, m => Assert.Contains("\"contentType\":\"application/json\"", m, StringComparison.Ordinal));
        Assert.Contains("puback-refused 135", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MqttJsOnMqtt5IsToldNotAuthorizedOrRefusedAtTheUpgrade()
    {
        var (clientId, username, query) = await OnboardAsync(2);
        var overAlpn = await NodeAsync("mqttjs-v5.js", "alpn", _g.Port, _g.Gateway.CaFile, clientId, "1nce-authorizer", username.Replace("token=", "token=x", StringComparison.Ordinal), "deny");
        Assert.Contains("connack-refused 135", overAlpn.Stdout, StringComparison.Ordinal);

        // Custom-auth headers are checked at the upgrade, before any MQTT: an HTTP 403 by default, which MQTT.js sees as a bare close.
        var denies = _g.Gateway.Counters.Denies.GetValueOrDefault(Simulator.Gateway.Auth.DenyReason.AuthorizerDenied);
        var overWss = await NodeAsync("mqttjs-v5.js", "wss", _g.Port, _g.Gateway.CaFile, clientId, "1nce-authorizer", "x" + query["token"], "deny");
        Assert.Contains("closed-before-connack", overWss.Stdout, StringComparison.Ordinal);
        Assert.Equal(denies + 1, _g.Gateway.Counters.Denies.GetValueOrDefault(Simulator.Gateway.Auth.DenyReason.AuthorizerDenied));
    }

    [Theory]
    [InlineData("direct", true, 3)]
    [InlineData("websocket", true, 4)]
    [InlineData("direct", false, 5)]
    [InlineData("websocket", false, 6)]
    public async Task TheSdkV2Mqtt5ClientConnectsThroughTheAuthorizerAndHearsEachReasonCode(string mode, bool signed, int device)
    {
        var (clientId, _, query) = await OnboardAsync(device);
        var authorizer = signed ? "signed-1nce" : "1nce-authorizer";
        var signature = signed ? query["x-amz-customauthorizer-signature"]! : "-";
        var calls = _g.Gateway.Counters.AuthorizerCalls;
        var result = await NodeAsync("aws-sdk-v2-mqtt5.js", mode, "localhost", _g.Port, _g.Gateway.CaFile, clientId, authorizer, "token", query["token"]!, signature);
        Assert.True(_g.Gateway.Counters.AuthorizerCalls > calls, "custom auth ran");
        var connack = JsonDocument.Parse(result.Stdout.Split('\n').Single(l => l.StartsWith("connack ", StringComparison.Ordinal))[8..]).RootElement;
        Assert.Equal(0, connack.GetProperty("reasonCode").GetInt32());
        Assert.False(connack.TryGetProperty("sessionExpiryInterval", out _)); // under AWS's cap: granted as asked, so CONNACK does not repeat it
        Assert.Equal(8, connack.GetProperty("topicAliasMaximum").GetInt32());
        Assert.False(connack.GetProperty("subscriptionIdentifiersAvailable").GetBoolean());
        Assert.Contains($"message {clientId}/sdk-v2-mqtt5 {{\"hello\":\"from the SDK v2 Mqtt5Client ({mode})\"}} [{{\"name\":\"imei\",\"value\":\"352656100000001\"}}]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("puback 135", result.Stdout, StringComparison.Ordinal);

        // A token the authorizer refuses: CONNACK 0x87.
        var denied = await NodeAsync("aws-sdk-v2-mqtt5.js", mode, "localhost", _g.Port, _g.Gateway.CaFile, clientId, authorizer, "token", "x" + query["token"], signature, "deny");
        Assert.Contains("connack-refused 135", denied.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MosquittosClientsOnMqtt5RoundTripAndAreToldNo()
    {
        var (clientId, username, _) = await OnboardAsync(7);
        string[] Common(string id) => ["-V", "mqttv5", "-h", "localhost", "-p", _g.Port, "--cafile", _g.Gateway.CaFile, "--tls-alpn", "mqtt", "-i", id];

        // mosquitto_rr: MQTT 5 request/response, its own request back on its own response topic.
        var rr = await Proc.RunAsync("mosquitto_rr", [.. Common(clientId), "-u", username, "-t", $"{clientId}/req", "-e", $"{clientId}/req", "-m", "ping-v5", "-q", "1", "-W", "10"]);
        Assert.True(rr.ExitCode == 0, rr.Stdout + rr.Stderr);
        Assert.Equal("ping-v5", rr.Stdout.Trim());

        var pub = await Proc.RunAsync("mosquitto_pub", [.. Common(clientId), "-u", username, "-t", $"{clientId}/test", "-m", "hello", "-q", "1", "-D", "publish", "user-property", "fw", "2.0.1", "-d"]);
        Assert.True(pub.ExitCode == 0, pub.Stdout + pub.Stderr);
        Assert.Contains("received CONNACK (0)", pub.Stdout, StringComparison.Ordinal);
        Assert.Contains("received PUBACK (Mid: 1, RC:0)", pub.Stdout, StringComparison.Ordinal);

        var deniedPub = await Proc.RunAsync("mosquitto_pub", [.. Common(clientId), "-u", username, "-t", "someone-else/x", "-m", "no", "-q", "1", "-d"]);
        Assert.Contains("received PUBACK (Mid: 1, RC:135)", deniedPub.Stdout + deniedPub.Stderr, StringComparison.Ordinal);

        var deniedSub = await Proc.RunAsync("mosquitto_sub", [.. Common(clientId), "-u", username, "-t", "someone-else/#", "-W", "3", "-d"]);
        Assert.Contains("All subscription requests were denied", deniedSub.Stdout + deniedSub.Stderr, StringComparison.Ordinal);

        var deniedConnect = await Proc.RunAsync("mosquitto_pub", [.. Common(clientId), "-u", username.Replace("token=", "token=x", StringComparison.Ordinal), "-t", $"{clientId}/test", "-m", "no"]);
        Assert.NotEqual(0, deniedConnect.ExitCode);
        Assert.Contains("Not authorized", deniedConnect.Stdout + deniedConnect.Stderr, StringComparison.OrdinalIgnoreCase);
    }
}
