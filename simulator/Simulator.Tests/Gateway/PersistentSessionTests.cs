using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Persistent sessions as AWS keeps them (mqtt-persistent-sessions): QoS 1 messages published
/// while the device is away are stored and sent after it resumes, at 10 a second; QoS 0 is not
/// stored; a message sent and not acknowledged is sent again with its packet id and DUP; a clean
/// start throws the session away. The publisher is curl over HTTPS, the subscribers our MQTT 5
/// client, MQTTnet on 3.1.1 and a raw 3.1.1 session that never acknowledges.
/// </summary>
public sealed class PersistentSessionTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _g;

    public PersistentSessionTests(GatewayFixture g) => _g = g;

    private TransportOptions Alpn => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _g.Gateway.Port, CaFile = _g.Gateway.CaFile, Alpn = ["mqtt"] };

    /// <summary>curl publishes as the device's backend would, over HTTPS with the device's token.</summary>
    private async Task CurlPublishAsync(string username, string topic, string payload, int qos)
    {
        var query = username[(username.IndexOf('?', StringComparison.Ordinal) + 1)..];
        var output = await Proc.CheckAsync("curl", ["-sS", "-i", "-X", "POST", "--cacert", _g.Gateway.CaFile, _g.Url($"/topics/{topic}?qos={qos}&{query}"), "-d", payload]);
        Assert.StartsWith("HTTP/1.1 200 OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnMqtt5SessionGetsItsQos1MessagesFromWhileItWasAwayInOrderAtAwsRate()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[0].Iccid);
        var options = new Simulator.Core.Mqtt.Client.MqttClientOptions { ClientId = onboarded.ClientId, Username = onboarded.Username, Version = MqttVersion.V500, CleanSession = false, SessionExpirySeconds = 600, KeepAliveSeconds = 60 };
        var topic = $"{onboarded.ClientId}/messages";
        await using (var first = await MqttClientConnection.ConnectAsync(Alpn, options))
        {
            await first.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]);
            await first.DisconnectAsync();
        }

        var counters = _g.Gateway.Counters;
        var (queued, delivered) = (counters.MessagesQueued, counters.QueuedMessagesDelivered);
        const int Count = 12;
        for (var i = 0; i < Count; i++)
        {
            await CurlPublishAsync(onboarded.Username, topic, $"m{i}", qos: 1);
            if (i == 5)
            {
                await CurlPublishAsync(onboarded.Username, topic, "qos0", qos: 0); // not stored: AWS keeps QoS 1 only
            }
        }

        Assert.Equal(queued + Count, counters.MessagesQueued);

        var inbox = Channel.CreateUnbounded<(string Payload, long At)>();
        await using var second = await MqttClientConnection.ConnectAsync(Alpn, options with { MessageReceived = (in PublishPacket m) => inbox.Writer.TryWrite((Encoding.UTF8.GetString(m.Payload), Stopwatch.GetTimestamp())) });
        Assert.True(second.ConnAck.SessionPresent);
        var got = new List<(string Payload, long At)>();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            while (got.Count < Count)
            {
                got.Add(await inbox.Reader.ReadAsync(cts.Token));
            }
        }

        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"m{i}"), got.Select(m => m.Payload));
        Assert.True(Stopwatch.GetElapsedTime(got[0].At, got[^1].At) >= TimeSpan.FromSeconds(0.9), "12 stored messages at 10 a second take at least 1.1 s");
        Assert.Equal(delivered + Count, counters.QueuedMessagesDelivered);

        // Nothing else comes: the QoS 0 message was never stored.
        await Task.Delay(500);
        Assert.False(inbox.Reader.TryRead(out _));
        await second.DisconnectAsync();
    }

    [Fact]
    public async Task MqttNetOn311WithCleanSessionOffResumesItsSessionAndACleanStartDropsIt()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[1].Iccid);
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(_g.Gateway.CaFile);
        MQTTnet.MqttClientOptions Options(bool clean) => new MqttClientOptionsBuilder().WithClientId(onboarded.ClientId).WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(clean).WithTimeout(TimeSpan.FromSeconds(20)).WithTcpServer("localhost", _g.Gateway.Port).WithCredentials(onboarded.Username, string.Empty)
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithTrustChain(trust).WithApplicationProtocols([new SslApplicationProtocol("mqtt")])).Build();
        var topic = $"{onboarded.ClientId}/messages";

        using var client = new MqttClientFactory().CreateMqttClient();
        var inbox = Channel.CreateUnbounded<string>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            inbox.Writer.TryWrite(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        var connack = await client.ConnectAsync(Options(clean: false));
        Assert.False(connack.IsSessionPresent);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await client.DisconnectAsync();

        await CurlPublishAsync(onboarded.Username, topic, "while away 1", qos: 1);
        await CurlPublishAsync(onboarded.Username, topic, "while away 2", qos: 1);

        connack = await client.ConnectAsync(Options(clean: false));
        Assert.True(connack.IsSessionPresent); // [MQTT-3.2.2-2]: a resumed 3.1.1 session says so
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal("while away 1", await inbox.Reader.ReadAsync(cts.Token));
            Assert.Equal("while away 2", await inbox.Reader.ReadAsync(cts.Token));
        }

        await client.DisconnectAsync();

        // Stored for a session that then starts clean: thrown away and counted, and the session is gone.
        var dropped = _g.Gateway.Counters.QueuedMessagesDropped;
        await CurlPublishAsync(onboarded.Username, topic, "never", qos: 1);
        connack = await client.ConnectAsync(Options(clean: true));
        Assert.False(connack.IsSessionPresent);
        Assert.Equal(dropped + 1, _g.Gateway.Counters.QueuedMessagesDropped);
        await Task.Delay(500);
        Assert.False(inbox.Reader.TryRead(out _));
        await client.DisconnectAsync();

        // A clean session is not kept: nothing is stored for it.
        var queued = _g.Gateway.Counters.MessagesQueued;
        await CurlPublishAsync(onboarded.Username, topic, "nobody", qos: 1);
        Assert.Equal(queued, _g.Gateway.Counters.MessagesQueued);
    }

    [Fact]
    public async Task AMessageLeftUnacknowledgedIsSentAgainWithItsPacketIdAndDup()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[2].Iccid);
        var topic = $"{onboarded.ClientId}/messages";
        var connect = new ConnectPacket { ClientId = onboarded.ClientId, Username = onboarded.Username, KeepAliveSeconds = 60, CleanSession = false };

        ushort id;
        await using (var raw = await RawAsync(connect))
        {
            Assert.Equal(0, ConnAckPacket.Read((await raw.NextAsync()).Packet, MqttVersion.V311).SessionPresent ? 1 : 0);
            await raw.SendAsync(w => new SubscribePacket(1, [(topic, MqttQos.AtLeastOnce)]).Write(w));
            Assert.Equal(MqttPacketType.SubAck, (await raw.NextAsync()).Packet.Type);
            await CurlPublishAsync(onboarded.Username, topic, "ack me", qos: 1);
            var first = PublishPacket.Read((await raw.NextAsync()).Packet, MqttVersion.V311);
            Assert.False(first.Dup);
            id = first.PacketId;
        } // closed without a PUBACK

        await using var again = await RawAsync(connect);
        Assert.True(ConnAckPacket.Read((await again.NextAsync()).Packet, MqttVersion.V311).SessionPresent);
        var resent = PublishPacket.Read((await again.NextAsync()).Packet, MqttVersion.V311);
        Assert.Equal("ack me", Encoding.UTF8.GetString(resent.Payload));
        Assert.True(resent.Dup); // [MQTT-4.4.0-1]: resent with DUP and the original packet id
        Assert.Equal(id, resent.PacketId);
    }

    [Fact]
    public async Task AConnectionThatTakesTheClientIdOverWithoutCleanStartCarriesTheSessionOn()
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[4].Iccid);
        var options = new Simulator.Core.Mqtt.Client.MqttClientOptions { ClientId = onboarded.ClientId, Username = onboarded.Username, Version = MqttVersion.V500, CleanSession = false, SessionExpirySeconds = 600 };
        var topic = $"{onboarded.ClientId}/messages";
        await using var first = await MqttClientConnection.ConnectAsync(Alpn, options);
        await first.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]);

        // The first is still open: the second takes its session, as a device whose old connection died unseen does.
        var inbox = Channel.CreateUnbounded<string>();
        await using var second = await MqttClientConnection.ConnectAsync(Alpn, options with { MessageReceived = (in PublishPacket m) => inbox.Writer.TryWrite(Encoding.UTF8.GetString(m.Payload)) });
        Assert.True(second.ConnAck.SessionPresent);
        Assert.Equal("Disconnect:SessionTakenOver", (await first.Completion.WaitAsync(TimeSpan.FromSeconds(5)))!.FailureClass);
        await CurlPublishAsync(onboarded.Username, topic, "to the new connection", qos: 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("to the new connection", await inbox.Reader.ReadAsync(cts.Token));
        await second.DisconnectAsync();
    }

    [Fact]
    public async Task AnExpiredSessionLeavesNothingBehindAndItsStoredMessagesAreCountedAsDropped()
    {
        // A gateway of its own: the class's gateway holds the other tests' sessions, whose expiries
        // would move the counts this test reads.
        var g = new GatewayFixture();
        await g.InitializeAsync();
        try
        {
            var onboarded = await g.OnboardWithCurlAsync(g.Fleet[3].Iccid);
            var broker = g.Gateway.Broker;
            var alpn = new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = g.Gateway.Port, CaFile = g.Gateway.CaFile, Alpn = ["mqtt"] };
            var topic = $"{onboarded.ClientId}/messages";
            await using (var client = await MqttClientConnection.ConnectAsync(alpn, new Simulator.Core.Mqtt.Client.MqttClientOptions { ClientId = onboarded.ClientId, Username = onboarded.Username, Version = MqttVersion.V500, CleanSession = false, SessionExpirySeconds = 3 }))
            {
                await client.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]);
                await client.DisconnectAsync();
            }

            // Kept: its subscription still routes, to the store.
            Assert.True(await Eventually.TrueAsync(() => broker.PersistedSessions == 1, TimeSpan.FromSeconds(5)));
            Assert.Equal(1, broker.Router.Count);
            var query = onboarded.Username[(onboarded.Username.IndexOf('?', StringComparison.Ordinal) + 1)..];
            Assert.StartsWith("HTTP/1.1 200 OK", await Proc.CheckAsync("curl", ["-sS", "-i", "-X", "POST", "--cacert", g.Gateway.CaFile, g.Url($"/topics/{topic}?qos=1&{query}"), "-d", "too late"]), StringComparison.Ordinal);
            Assert.Equal(1, g.Gateway.Counters.MessagesQueued); // stored before the session's 3 s ran out

            // Past its expiry the broker's timer ends it: the route, the session and the stored message go.
            // (The timer takes the session out of the registry first, then its routes and its messages.)
            Assert.True(await Eventually.TrueAsync(() => broker.PersistedSessions == 0 && g.Gateway.Counters.QueuedMessagesDropped > 0, TimeSpan.FromSeconds(10)), "the expired session was not removed");
            Assert.Equal(0, broker.Router.Count);
            Assert.Equal(1, g.Gateway.Counters.QueuedMessagesDropped);
        }
        finally
        {
            await g.DisposeAsync();
        }
    }

    private Task<RawMqttSession> RawAsync(ConnectPacket connect) => RawMqttSession.ConnectAsync(Alpn, connect);
}
