using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// MQTTnet 5.2, a third-party .NET MQTT client, against the gateway in AWS IoT's two custom-auth
/// forms: MQTT over WSS with the custom-auth values as HTTP headers of the upgrade, and MQTT over
/// TLS with ALPN "mqtt" and the values in the username. Each onboards its SIM with curl, connects,
/// subscribes to its ICCID topic, publishes at QoS 1 and receives its own message.
/// </summary>
public sealed class MqttNetInteropTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _g;

    public MqttNetInteropTests(GatewayFixture g) => _g = g;

    [Theory]
    [InlineData("wss-headers", 0)]
    [InlineData("tls-alpn", 1)]
    public async Task MqttNetConnectsThroughTheCustomAuthorizerAndReceivesItsOwnPublish(string form, int device)
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[device].Iccid);
        var query = System.Web.HttpUtility.ParseQueryString(onboarded.Username[(onboarded.Username.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(_g.Gateway.CaFile);
        var builder = new MqttClientOptionsBuilder().WithClientId(onboarded.ClientId).WithProtocolVersion(MqttProtocolVersion.V311).WithTimeout(TimeSpan.FromSeconds(20));
        if (form == "wss-headers")
        {
            // MQTTnet does not apply its TrustChain option to WebSockets: a handler builds the chain.
            builder = builder
                .WithWebSocketServer(o => o
                    .WithUri($"wss://localhost:{_g.Port}/mqtt")
                    .WithRequestHeaders(new Dictionary<string, string> { ["x-amz-customauthorizer-name"] = query["x-amz-customauthorizer-name"]!, ["token"] = query["token"]! }))
                .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithCertificateValidationHandler(e => MqttNetTrust.Trusted(e, trust)));
        }
        else
        {
            builder = builder
                .WithTcpServer("localhost", _g.Gateway.Port)
                .WithCredentials(onboarded.Username, string.Empty)
                .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithTrustChain(trust).WithApplicationProtocols([new SslApplicationProtocol("mqtt")]));
        }

        var calls = _g.Gateway.Counters.AuthorizerCalls;
        using var client = new MqttClientFactory().CreateMqttClient();
        var inbox = Channel.CreateUnbounded<(string Topic, string Payload)>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            inbox.Writer.TryWrite((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload)));
            return Task.CompletedTask;
        };
        var connack = await client.ConnectAsync(builder.Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connack.ResultCode);
        Assert.True(_g.Gateway.Counters.AuthorizerCalls > calls, "custom auth ran");

        var topic = $"{onboarded.ClientId}/mqttnet";
        var sub = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, sub.Items.Single().ResultCode);
        var pub = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload($"{{\"hello\":\"from MQTTnet ({form})\"}}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(pub.IsSuccess, pub.ReasonString);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (gotTopic, payload) = await inbox.Reader.ReadAsync(cts.Token);
        Assert.Equal((topic, $"{{\"hello\":\"from MQTTnet ({form})\"}}"), (gotTopic, payload));

        // Outside its ICCID's topics the policy refuses: the gateway closes the connection (AWS IoT, MQTT 3.1.1).
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("someone-else/x").WithPayload("no").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        for (var i = 0; i < 50 && client.IsConnected; i++)
        {
            await Task.Delay(100);
        }

        Assert.False(client.IsConnected, "a publish outside the policy closed the connection");
    }
}
