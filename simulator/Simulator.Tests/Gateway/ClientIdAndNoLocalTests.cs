using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Simulator.Core.Mqtt;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Where AWS IoT Core follows the MQTT spec and the gateway must too: an empty client id gets an id
/// of its own (MQTT 5 is told it; 3.1.1 needs Clean Session, else 0x02), so two such clients never
/// share a session; No Local keeps a subscriber's own messages from it, and is a Protocol Error on a
/// shared subscription. MQTTnet on both versions, and raw CONNECTs where MQTTnet would not send one.
/// </summary>
public sealed class ClientIdAndNoLocalTests : IAsyncLifetime
{
    private PolicyGateway _g = null!;

    public async Task InitializeAsync() => _g = await PolicyGateway.StartAsync("fleet");

    public async Task DisposeAsync() => await _g.DisposeAsync();

    private MqttClientOptions Options(string clientId, MqttProtocolVersion version) => _g.MqttNet(clientId, version);

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task TwoClientsWithAnEmptyIdEachGetAnIdOfTheirOwn(MqttProtocolVersion version)
    {
        using var a = new MqttClientFactory().CreateMqttClient();
        using var b = new MqttClientFactory().CreateMqttClient();
        var first = await a.ConnectAsync(Options(string.Empty, version));
        var second = await b.ConnectAsync(Options(string.Empty, version));
        Assert.Equal(MqttClientConnectResultCode.Success, first.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, second.ResultCode);
        if (version == MqttProtocolVersion.V500)
        {
            // [MQTT-3.2.2-16]: the CONNACK names the id the server gave.
            Assert.False(string.IsNullOrEmpty(first.AssignedClientIdentifier));
            Assert.NotEqual(first.AssignedClientIdentifier, second.AssignedClientIdentifier);
        }

        // The second did not take the first's session over: both stay connected.
        await Task.Delay(500);
        Assert.True(a.IsConnected && b.IsConnected, $"a {a.IsConnected}, b {b.IsConnected}");
        Assert.Equal(2, _g.Gateway.Broker.Sessions);
        await a.DisconnectAsync();
        await b.DisconnectAsync();
    }

    [Fact]
    public async Task A311EmptyIdWithoutCleanSessionIsRejected()
    {
        var transport = new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _g.Gateway.Port, CaFile = _g.Gateway.CaFile, Alpn = ["mqtt"] };
        await using var raw = await RawMqttSession.ConnectAsync(transport, new ConnectPacket { ClientId = string.Empty, Username = _g.User("open"), KeepAliveSeconds = 60, ProtocolLevel = 4, CleanSession = false });
        var connack = ConnAckPacket.Read((await raw.NextAsync()).Packet);
        Assert.Equal(ConnAckReturnCode.IdentifierRejected, connack.ReturnCode); // [MQTT-3.1.3-8]
    }

    [Fact]
    public async Task NoLocalKeepsASubscribersOwnMessagesFromIt()
    {
        async Task<(IMqttClient Client, ConcurrentQueue<string> Seen)> SubscriberAsync(string clientId, bool noLocal)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var seen = new ConcurrentQueue<string>();
            client.ApplicationMessageReceivedAsync += e =>
            {
                seen.Enqueue(e.ApplicationMessage.ConvertPayloadToString());
                return Task.CompletedTask;
            };
            await client.ConnectAsync(Options(clientId, MqttProtocolVersion.V500));
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("room/#").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithNoLocal(noLocal)).Build());
            return (client, seen);
        }

        var quiet = await SubscriberAsync("quiet", noLocal: true);
        var echo = await SubscriberAsync("echo", noLocal: false);
        foreach (var (client, name) in new[] { (quiet.Client, "quiet"), (echo.Client, "echo") })
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("room/x").WithPayload($"from {name}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        Assert.True(await Eventually.TrueAsync(() => echo.Seen.Count == 2 && !quiet.Seen.IsEmpty, TimeSpan.FromSeconds(10)), $"echo {echo.Seen.Count}, quiet {quiet.Seen.Count}");
        await Task.Delay(300);
        Assert.Equal(["from echo"], quiet.Seen.ToList()); // the other's message only
        Assert.Equal(["from echo", "from quiet"], echo.Seen.Order(StringComparer.Ordinal).ToList());
        quiet.Client.Dispose();
        echo.Client.Dispose();
    }

    [Fact]
    public async Task NoLocalIsKeptWithAPersistentSession()
    {
        var options = Options("nl-persist", MqttProtocolVersion.V500);
        options.CleanSession = false;
        options.SessionExpiryInterval = 300;
        using (var first = new MqttClientFactory().CreateMqttClient())
        {
            await first.ConnectAsync(options);
            await first.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("desk/#").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithNoLocal()).Build());
            await first.DisconnectAsync();
        }

        // Resumed: the subscription comes back with the session, and still keeps its own messages from it.
        using var again = new MqttClientFactory().CreateMqttClient();
        var seen = new ConcurrentQueue<string>();
        again.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        Assert.True((await again.ConnectAsync(options)).IsSessionPresent);
        await again.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("desk/1").WithPayload("own").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        using var other = new MqttClientFactory().CreateMqttClient();
        await other.ConnectAsync(Options("nl-other", MqttProtocolVersion.V500));
        await other.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("desk/1").WithPayload("other").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.True(await Eventually.TrueAsync(() => seen.Contains("other"), TimeSpan.FromSeconds(10)), "the resumed subscription got nothing");
        await Task.Delay(300);
        Assert.Equal(["other"], seen.ToList());
    }

    [Fact]
    public async Task AStoredMessageWhoseExpiryPassedIsNotDeliveredAndOneInTimeCarriesWhatIsLeft()
    {
        var options = Options("exp-persist", MqttProtocolVersion.V500);
        options.CleanSession = false;
        options.SessionExpiryInterval = 300;
        using (var first = new MqttClientFactory().CreateMqttClient())
        {
            await first.ConnectAsync(options);
            await first.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("exp/#").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
            await first.DisconnectAsync();
        }

        // While the device is away: one message that may wait 1 s, one that may wait 60 s.
        using (var publisher = new MqttClientFactory().CreateMqttClient())
        {
            await publisher.ConnectAsync(Options("exp-publisher", MqttProtocolVersion.V500));
            foreach (var (topic, seconds) in new[] { ("exp/short", 1u), ("exp/long", 60u) })
            {
                await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithMessageExpiryInterval(seconds).Build());
            }
        }

        var expiredBefore = _g.Gateway.Counters.QueuedExpiredCount;
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        using var again = new MqttClientFactory().CreateMqttClient();
        var seen = new ConcurrentQueue<(string Topic, uint Expiry)>();
        again.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.MessageExpiryInterval));
            return Task.CompletedTask;
        };
        Assert.True((await again.ConnectAsync(options)).IsSessionPresent);
        Assert.True(await Eventually.TrueAsync(() => !seen.IsEmpty, TimeSpan.FromSeconds(10)), "no stored message came");
        await Task.Delay(500);
        var (topicBack, left) = Assert.Single(seen);
        Assert.Equal("exp/long", topicBack);
        Assert.InRange(left, 50u, 58u); // 60 less the 2.2 s and more it waited
        Assert.Equal(expiredBefore + 1, _g.Gateway.Counters.QueuedExpiredCount);
    }

    [Fact]
    public async Task NoLocalOnASharedSubscriptionIsAProtocolError()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options("share-nl", MqttProtocolVersion.V500));
        var e = await Assert.ThrowsAsync<MQTTnet.Exceptions.MqttClientUnexpectedDisconnectReceivedException>(() => client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("$share/g/room/#").WithNoLocal()).Build()));
        Assert.Equal(MqttDisconnectReasonCode.ProtocolError, (MqttDisconnectReasonCode)e.ReasonCode!); // [MQTT-3.8.3-4]
    }
}
