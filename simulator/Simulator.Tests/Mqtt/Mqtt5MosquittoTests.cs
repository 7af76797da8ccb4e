using System.Text;
using System.Threading.Channels;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

/// <summary>Our MQTT 5 client against mosquitto's MQTT 5 broker: properties, topic aliases, session expiry and each refusal's reason code.</summary>
public sealed class Mqtt5MosquittoTests : IClassFixture<Mosquitto>
{
    private readonly Mosquitto _broker;

    public Mqtt5MosquittoTests(Mosquitto broker) => _broker = broker;

    private TransportOptions Tcp(int? port = null) => new() { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = port ?? _broker.TcpPort };

    private static MqttClientOptions V5(string clientId) => new()
    {
        ClientId = clientId,
        Version = MqttVersion.V500,
        KeepAliveSeconds = 30,
        UserProperties = [new("fw", "2.0.1")],
        PublishProperties = new MqttProperties { ContentType = "application/json", UserProperties = [new("imei", "352656100000001")] }.Encode(),
    };

    private static async Task<(MqttClientConnection Client, ChannelReader<(string Topic, MqttProperties Properties, string Payload)> Inbox)> ConnectAsync(TransportOptions transport, MqttClientOptions options)
    {
        var inbox = Channel.CreateUnbounded<(string, MqttProperties, string)>();
        var client = await MqttClientConnection.ConnectAsync(transport, options);
        client.MessageReceived = (in PublishPacket m) => inbox.Writer.TryWrite((Encoding.UTF8.GetString(m.Topic), MqttProperties.Read(m.Properties, MqttPacketType.Publish), Encoding.UTF8.GetString(m.Payload)));
        return (client, inbox.Reader);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("tls-openssl")]
    [InlineData("tls-sslstream")]
    public async Task MessagesRoundTripWithTheirPropertiesAndTheTopicGoesByAliasAfterTheFirst(string over)
    {
        var transport = over == "tcp" ? Tcp() : new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _broker.TlsPort, CaFile = _broker.Ca.CaFile, Tls = over == "tls-openssl" ? TlsProvider.OpenSsl : TlsProvider.SslStream };
        var (client, inbox) = await ConnectAsync(transport, V5("v5-" + over));
        await using (client)
        {
            Assert.Equal(MqttVersion.V500, client.ConnAck.Version);
            Assert.True(client.ConnAck.Properties?.TopicAliasMaximum > 0, "mosquitto offers topic aliases (max_topic_alias 10)");
            var topic = $"v5-{over}/telemetry";
            var codes = await client.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]);
            Assert.Equal(new byte[] { 1 }, codes);
            for (var i = 0; i < 5; i++)
            {
                var qos = i % 2 == 0 ? MqttQos.AtLeastOnce : MqttQos.AtMostOnce;
                await client.PublishAsync(Encoding.UTF8.GetBytes(topic), Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"), qos);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var (gotTopic, properties, payload) = await inbox.ReadAsync(cts.Token);

                // mosquitto resolved our alias-only PUBLISHes to the topic, and passed our properties on.
                Assert.Equal(topic, gotTopic);
                Assert.Equal($"{{\"n\":{i}}}", payload);
                Assert.Equal("application/json", properties.ContentType);
                Assert.Equal([new MqttUserProperty("imei", "352656100000001")], properties.UserProperties!);
            }

            Assert.Equal(1, client.AliasesInUse);
            await client.DisconnectAsync();
            Assert.Null(await client.Completion);
        }
    }

    [Fact]
    public async Task ASessionWithAnExpiryOutlivesItsConnection()
    {
        var options = V5("v5-session") with { CleanSession = false, SessionExpirySeconds = 120 };
        await using (var first = await MqttClientConnection.ConnectAsync(Tcp(), options with { CleanSession = true }))
        {
            Assert.False(first.ConnAck.SessionPresent);
            await first.SubscribeAsync([("v5-session/cmd", MqttQos.AtLeastOnce)]);
            await first.DisconnectAsync();
        }

        await using var second = await MqttClientConnection.ConnectAsync(Tcp(), options);
        Assert.True(second.ConnAck.SessionPresent, "the broker kept the session for its expiry interval");

        // Without an expiry the session ends with the connection.
        await second.DisconnectAsync();
        await using (var third = await MqttClientConnection.ConnectAsync(Tcp(), options with { SessionExpirySeconds = 0 }))
        {
            Assert.True(third.ConnAck.SessionPresent);
            await third.DisconnectAsync();
        }

        await using var fourth = await MqttClientConnection.ConnectAsync(Tcp(), options);
        Assert.False(fourth.ConnAck.SessionPresent);
    }

    [Fact]
    public async Task ABadPasswordIsCountedUnderItsReasonCode()
    {
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            MqttClientConnection.ConnectAsync(Tcp(_broker.AuthPort), V5("x") with { Username = Mosquitto.User, Password = "wrong"u8.ToArray() }));
        Assert.Equal(FailureKind.ConnAckRefused, e.Kind);
        Assert.Equal(0x87, e.ConnAckCode); // mosquitto answers a failed password check with Not authorized
        Assert.Equal("ConnAck:NotAuthorized", e.FailureClass);

        await using var ok = await MqttClientConnection.ConnectAsync(Tcp(_broker.AuthPort), V5("y") with { Username = Mosquitto.User, Password = Encoding.UTF8.GetBytes(Mosquitto.Password) });
        Assert.True(ok.IsConnected);
    }

    /// <summary>mosquitto grants any SUBSCRIBE and filters on delivery, so only the PUBACK says no here.</summary>
    [Fact]
    public async Task ADeniedPublishSaysWhyAndTheConnectionStays()
    {
        await using var client = await MqttClientConnection.ConnectAsync(Tcp(_broker.AclPort), V5("acl"));
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(async () => await client.PublishAsync("closed/x"u8.ToArray(), "no"u8.ToArray(), MqttQos.AtLeastOnce));
        Assert.Equal(FailureKind.PublishRefused, e.Kind);
        Assert.Equal("PubAck:NotAuthorized", e.FailureClass);

        await client.PublishAsync("open/x"u8.ToArray(), "yes"u8.ToArray(), MqttQos.AtLeastOnce);
        Assert.True(client.IsConnected);
    }
}
