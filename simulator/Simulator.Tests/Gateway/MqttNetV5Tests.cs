using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// MQTTnet 5.2 with <c>MqttProtocolVersion.V500</c> against the gateway, in both custom-auth forms:
/// its CONNACK's limits, its own message back with its user property, the reason codes of a
/// denied publish, subscribe and connect, and the DISCONNECT reason of a taken-over session.
/// </summary>
public sealed class MqttNetV5Tests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _g;

    public MqttNetV5Tests(GatewayFixture g) => _g = g;

    private MqttClientOptionsBuilder Builder(string form, string clientId, string username)
    {
        var query = System.Web.HttpUtility.ParseQueryString(username[(username.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(_g.Gateway.CaFile);
        var builder = new MqttClientOptionsBuilder().WithClientId(clientId).WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(20))
            .WithSessionExpiryInterval(7200).WithKeepAlivePeriod(TimeSpan.FromSeconds(60)).WithUserProperty("fw", new ArraySegment<byte>("2.0.1"u8.ToArray()));
        return form == "wss-headers"
            ? builder
                .WithWebSocketServer(o => o
                    .WithUri($"wss://localhost:{_g.Port}/mqtt")
                    .WithRequestHeaders(new Dictionary<string, string> { ["x-amz-customauthorizer-name"] = query["x-amz-customauthorizer-name"]!, ["token"] = query["token"]! }))
                .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithCertificateValidationHandler(e => MqttNetTrust.Trusted(e, trust)))
            : builder
                .WithTcpServer("localhost", _g.Gateway.Port)
                .WithCredentials(username, string.Empty)
                .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithTrustChain(trust).WithApplicationProtocols([new SslApplicationProtocol("mqtt")]));
    }

    [Theory]
    [InlineData("wss-headers", 0)]
    [InlineData("tls-alpn", 1)]
    public async Task MqttNetOnV500ConnectsGetsItsMessageBackAndHearsEachReasonCode(string form, int device)
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[device].Iccid);
        using var client = new MqttClientFactory().CreateMqttClient();
        var inbox = Channel.CreateUnbounded<MqttApplicationMessage>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            inbox.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        var connack = await client.ConnectAsync(Builder(form, onboarded.ClientId, onboarded.Username).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connack.ResultCode);
        Assert.Equal(3600u, connack.SessionExpiryInterval); // asked 7200, capped at AWS's default
        Assert.Equal(8, connack.TopicAliasMaximum);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, connack.MaximumQoS);
        Assert.False(connack.SubscriptionIdentifiersAvailable);
        Assert.Equal(60, connack.ServerKeepAlive == 0 ? 60 : connack.ServerKeepAlive); // 60 s is within AWS's 30..1200: not overridden

        var topic = $"{onboarded.ClientId}/mqttnet-v5";
        var sub = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, sub.Items.Single().ResultCode);
        var pub = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload($"from MQTTnet v5 ({form})").WithUserProperty("imei", (ReadOnlyMemory<byte>)"352656100000001"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(pub.IsSuccess, pub.ReasonString);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var got = await inbox.Reader.ReadAsync(cts.Token);
        Assert.Equal(topic, got.Topic);
        Assert.Equal($"from MQTTnet v5 ({form})", Encoding.UTF8.GetString(got.Payload));
        Assert.Equal("352656100000001", got.UserProperties.Single(p => p.Name == "imei").ReadValueAsString());

        // Outside its policy: PUBACK and SUBACK say Not authorized, and the connection stays (MQTT 5).
        var denied = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("someone-else/x").WithPayload("no").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, denied.ReasonCode);
        var deniedSub = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("someone-else/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, deniedSub.Items.Single().ResultCode);
        Assert.True(client.IsConnected);

        // A second client with the same id takes the session over; the first is told why.
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            disconnected.TrySetResult(e);
            return Task.CompletedTask;
        };
        using var second = new MqttClientFactory().CreateMqttClient();
        await second.ConnectAsync(Builder(form, onboarded.ClientId, onboarded.Username).Build());
        var why = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MqttClientDisconnectReason.SessionTakenOver, why.Reason);
    }

    [Fact]
    public async Task MqttNetOnV500ResumesItsSessionWithoutCleanStart()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[3].Iccid);
        var options = Builder("tls-alpn", onboarded.ClientId, onboarded.Username).WithCleanStart(false).Build();
        using (var first = new MqttClientFactory().CreateMqttClient())
        {
            Assert.False((await first.ConnectAsync(options)).IsSessionPresent);
            await first.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"{onboarded.ClientId}/kept", MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await first.DisconnectAsync();
        }

        using var second = new MqttClientFactory().CreateMqttClient();
        var resumed = await second.ConnectAsync(options);
        Assert.True(resumed.IsSessionPresent);
        Assert.Equal(3600u, resumed.SessionExpiryInterval);
    }

    [Fact]
    public async Task MqttNetOnV500IsRefusedWithNotAuthorized()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[2].Iccid);
        using var client = new MqttClientFactory().CreateMqttClient();
        var refused = await client.ConnectAsync(Builder("tls-alpn", onboarded.ClientId, onboarded.Username.Replace("token=", "token=x", StringComparison.Ordinal)).Build());
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.ResultCode);
        Assert.False(client.IsConnected);
    }
}
