using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Our MQTT 5 client against the gateway over both custom-auth forms: what AWS's CONNACK carries,
/// topic aliases and properties routed to a subscriber, and each deny as a reason code, with the
/// connection kept where MQTT 5 lets the ack say no.
/// </summary>
public sealed class Mqtt5GatewayTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _g;

    public Mqtt5GatewayTests(GatewayFixture g) => _g = g;

    private TransportOptions Alpn => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _g.Gateway.Port, CaFile = _g.Gateway.CaFile, Alpn = ["mqtt"] };

    private TransportOptions Wss(string username)
    {
        var query = System.Web.HttpUtility.ParseQueryString(username[(username.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        return new TransportOptions
        {
            Kind = TransportKind.SecureWebSocket,
            Host = "localhost",
            Port = _g.Gateway.Port,
            CaFile = _g.Gateway.CaFile,
            Headers = [new("x-amz-customauthorizer-name", query["x-amz-customauthorizer-name"]!), new("token", query["token"]!)],
        };
    }

    private static MqttClientOptions V5(string clientId, string? username = null) => new()
    {
        ClientId = clientId,
        Username = username,
        Version = MqttVersion.V500,
        KeepAliveSeconds = 10,
        SessionExpirySeconds = 86_400,
        UserProperties = [new("fw", "2.0.1")],
        PublishProperties = new MqttProperties { ContentType = "application/json", UserProperties = [new("fw", "2.0.1")] }.Encode(),
    };

    [Theory]
    [InlineData("alpn", 0)]
    [InlineData("wss-headers", 1)]
    public async Task AnMqtt5DeviceConnectsGetsAwsLimitsAndItsOwnMessagesBackWithTheirProperties(string form, int device)
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[device].Iccid);
        var transport = form == "alpn" ? Alpn : Wss(onboarded.Username);
        var inbox = Channel.CreateUnbounded<(string Topic, MqttProperties Properties, string Payload)>();
        await using var client = await MqttClientConnection.ConnectAsync(transport, V5(onboarded.ClientId, form == "alpn" ? onboarded.Username : null));
        client.MessageReceived = (in PublishPacket m) => inbox.Writer.TryWrite((Encoding.UTF8.GetString(m.Topic), MqttProperties.Read(m.Properties, MqttPacketType.Publish), Encoding.UTF8.GetString(m.Payload)));

        // AWS's CONNACK: session expiry capped at 1 h, keep-alive clamped to 30 s, 8 aliases, QoS 1 at most, no subscription identifiers.
        var p = client.ConnAck.Properties!;
        Assert.Equal(3600u, p.SessionExpiryInterval);
        Assert.Equal((ushort)30, p.ServerKeepAlive);
        Assert.Equal(30, client.KeepAliveSeconds);
        Assert.Equal((ushort)8, p.TopicAliasMaximum);
        Assert.Equal((byte)1, p.MaximumQos);
        Assert.Equal((byte)0, p.SubscriptionIdentifierAvailable);
        Assert.False(client.ConnAck.SessionPresent);

        var topic = $"{onboarded.ClientId}/telemetry";
        Assert.Equal(new byte[] { 1 }, await client.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]));
        for (var i = 0; i < 3; i++)
        {
            await client.PublishAsync(Encoding.UTF8.GetBytes(topic), Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"), MqttQos.AtLeastOnce);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var (gotTopic, properties, payload) = await inbox.Reader.ReadAsync(cts.Token);
            Assert.Equal(topic, gotTopic); // the gateway resolved the alias-only PUBLISHes
            Assert.Equal($"{{\"n\":{i}}}", payload);
            Assert.Equal("application/json", properties.ContentType);
            Assert.Equal([new MqttUserProperty("fw", "2.0.1")], properties.UserProperties!);
            Assert.Null(properties.TopicAlias); // an alias is the connection's own, never forwarded
        }

        Assert.Equal(1, client.AliasesInUse);

        // Outside its ICCID's topics the policy says no in the acks, and the connection stays (MQTT 5).
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(async () => await client.PublishAsync("someone-else/x"u8.ToArray(), "no"u8.ToArray(), MqttQos.AtLeastOnce));
        Assert.Equal("PubAck:NotAuthorized", e.FailureClass);
        Assert.Equal(new byte[] { (byte)MqttReasonCode.NotAuthorized }, await client.SubscribeAsync([("someone-else/#", MqttQos.AtLeastOnce)]));
        Assert.True(client.IsConnected);

        // A PUBLISH over the CONNACK's Maximum Packet Size is never sent ([MQTT-3.2.2-15]): the publish fails, the connection stays.
        var tooLarge = await Assert.ThrowsAsync<ConnectionFailedException>(async () => await client.PublishAsync(Encoding.UTF8.GetBytes(topic), new byte[(int)p.MaximumPacketSize!.Value], MqttQos.AtLeastOnce));
        Assert.Equal(FailureKind.PacketTooLarge, tooLarge.Kind);
        Assert.Equal("Publish:PacketTooLarge", tooLarge.FailureClass);
        Assert.True(client.IsConnected);
        await client.PublishAsync(Encoding.UTF8.GetBytes(topic), "still here"u8.ToArray(), MqttQos.AtLeastOnce);
        await client.DisconnectAsync();
    }

    [Fact]
    public async Task ADeniedTokenIsACustomAuthReasonCodeAndAnUnknownAliasEndsTheSession()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[2].Iccid);
        var forged = onboarded.Username.Replace("token=", "token=x", StringComparison.Ordinal);
        var calls = _g.Gateway.Counters.AuthorizerCalls;
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, V5(onboarded.ClientId, forged)));
        Assert.Equal(FailureKind.ConnAckRefused, e.Kind);
        Assert.Equal("ConnAck:NotAuthorized", e.FailureClass);
        Assert.Equal(0x87, e.ConnAckCode);
        Assert.DoesNotContain("token", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(_g.Gateway.Counters.AuthorizerCalls > calls, "the deny came from the authorizer");

        // A 3.1.1 client with the same token is closed without a CONNACK, as before.
        var old = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = onboarded.ClientId, Username = forged }));
        Assert.Equal(FailureKind.ClosedAfterConnect, old.Kind);

        // A raw session that names its topic by an alias it never set: told Topic Alias invalid (0x94), then closed.
        await using var raw = await TransportConnector.ConnectAsync(Alpn, new ConnectTimings(), CancellationToken.None);
        var w = new ArrayBufferWriter<byte>();
        new ConnectPacket { ClientId = onboarded.ClientId, Username = onboarded.Username, KeepAliveSeconds = 60, ProtocolLevel = 5 }.Write(w);
        PublishPacket.WriteHeaderV5(w, default, 1, MqttQos.AtMostOnce, 0, 5, []);
        w.Write("x"u8);
        await raw.WriteAsync(w.WrittenMemory);
        var answer = await ReadAllAsync(raw);
        Assert.Equal(0x20, answer[0]); // the CONNACK
        var disconnectAt = 2 + answer[1];
        Assert.Equal(new byte[] { 0xE0 }, answer[disconnectAt..(disconnectAt + 1)]);
        Assert.Equal((byte)MqttReasonCode.TopicAliasInvalid, answer[disconnectAt + 2]);
    }

    [Theory]
    [InlineData("alpn", 3)]
    [InlineData("wss-headers", 4)]
    public async Task ATakenOverSessionIsToldWhyAndTheLifecycleEventIsUnchanged(string form, int device)
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[device].Iccid);
        var transport = form == "alpn" ? Alpn : Wss(onboarded.Username);
        var username = form == "alpn" ? onboarded.Username : null;
        var before = _g.Gateway.Counters.DisconnectReasons.GetValueOrDefault("DUPLICATE_CLIENTID");
        await using var first = await MqttClientConnection.ConnectAsync(transport, V5(onboarded.ClientId, username));
        await using var second = await MqttClientConnection.ConnectAsync(transport, V5(onboarded.ClientId, username));
        var reason = await first.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(FailureKind.ClosedByServer, reason!.Kind);
        Assert.Equal("Disconnect:SessionTakenOver", reason.FailureClass);
        Assert.True(second.IsConnected);
        Assert.True(await Eventually.TrueAsync(() => _g.Gateway.Counters.DisconnectReasons.GetValueOrDefault("DUPLICATE_CLIENTID") == before + 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ASessionWithAnExpiryIsKeptForItsExpiryAndCleanStartDropsIt()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[5].Iccid);
        var options = V5(onboarded.ClientId, onboarded.Username) with { CleanSession = false, SessionExpirySeconds = 600 };
        var topic = $"{onboarded.ClientId}/kept";
        await using (var first = await MqttClientConnection.ConnectAsync(Alpn, options))
        {
            Assert.False(first.ConnAck.SessionPresent);
            await first.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]);
            await first.DisconnectAsync();
        }

        // Back without subscribing: the kept subscription delivers its own message.
        var inbox = Channel.CreateUnbounded<string>();
        await using (var second = await MqttClientConnection.ConnectAsync(Alpn, options))
        {
            second.MessageReceived = (in PublishPacket m) => inbox.Writer.TryWrite(Encoding.UTF8.GetString(m.Payload));
            Assert.True(second.ConnAck.SessionPresent);
            await second.PublishAsync(Encoding.UTF8.GetBytes(topic), "resumed"u8.ToArray(), MqttQos.AtLeastOnce);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal("resumed", await inbox.Reader.ReadAsync(cts.Token));
            await second.DisconnectAsync();
        }

        // Clean Start discards it; without an expiry nothing is kept.
        await using (var clean = await MqttClientConnection.ConnectAsync(Alpn, options with { CleanSession = true, SessionExpirySeconds = 0 }))
        {
            Assert.False(clean.ConnAck.SessionPresent);
            await clean.DisconnectAsync();
        }

        await using (var after = await MqttClientConnection.ConnectAsync(Alpn, options with { SessionExpirySeconds = 1 }))
        {
            Assert.False(after.ConnAck.SessionPresent);
            await after.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]);
            await after.DisconnectAsync();
        }

        // A one-second expiry is over by the time it is asked for again.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using var expired = await MqttClientConnection.ConnectAsync(Alpn, options);
        Assert.False(expired.ConnAck.SessionPresent);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var all = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                all.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
        }

        return all.ToArray();
    }
}
