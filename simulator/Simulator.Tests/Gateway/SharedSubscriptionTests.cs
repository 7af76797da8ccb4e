using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Shared subscriptions, <c>$share/{ShareName}/{TopicFilter}</c>, as AWS IoT Core serves them, with
/// MQTTnet members on MQTT 5 and 3.1.1: each message reaches one member of each group, picked at
/// random among those allowed to receive it, while an ordinary subscriber gets every message; the
/// policy's resource is the whole shared filter; a malformed one is refused.
/// </summary>
public sealed class SharedSubscriptionTests : IAsyncLifetime
{
    private const string NoShare = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Receive"],"Resource":"*"},{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:*:*:topicfilter/fleet/*"}]}""";
    private const string NoReceive = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Subscribe"],"Resource":"*"},{"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:*:*:topic/other/*"}]}""";
    private PolicyGateway _g = null!;

    public async Task InitializeAsync() => _g = await PolicyGateway.StartAsync(
        "backend",
        new Dictionary<string, string> { ["no-share"] = NoShare, ["no-receive"] = NoReceive },
        new QuotaOptions { ConnectsPerSecondPerClientId = 0, PublishesPerSecondPerConnection = 0 });

    public async Task DisposeAsync() => await _g.DisposeAsync();

    private async Task<(IMqttClient Client, ConcurrentQueue<string> Seen)> MemberAsync(string clientId, string filter, MqttProtocolVersion version, string token = "open", MqttClientSubscribeResultCode expect = MqttClientSubscribeResultCode.GrantedQoS1)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var seen = new ConcurrentQueue<string>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue(Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(_g.MqttNet(clientId, version, token));
        var granted = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(expect, granted.Items.Single().ResultCode);
        return (client, seen);
    }

    private async Task PublishAsync(string prefix, int count)
    {
        var alpn = new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _g.Gateway.Port, CaFile = _g.Gateway.CaFile, Alpn = ["mqtt"] };
        await using var device = await MqttClientConnection.ConnectAsync(alpn, new Simulator.Core.Mqtt.Client.MqttClientOptions { ClientId = "publisher-" + prefix, Username = _g.User("open") });
        for (var i = 0; i < count; i++)
        {
            await device.PublishAsync(Encoding.UTF8.GetBytes($"fleet/{i % 7}/telemetry"), Encoding.UTF8.GetBytes($"{prefix}-{i}"), MqttQos.AtLeastOnce);
        }
    }

    [Fact]
    public async Task EachMessageReachesOneMemberOfTheGroupAndEveryOrdinarySubscriber()
    {
        const int n = 300;
        var a = await MemberAsync("share-a", "$share/backend/fleet/+/telemetry", MqttProtocolVersion.V500);
        var b = await MemberAsync("share-b", "$share/backend/fleet/+/telemetry", MqttProtocolVersion.V500);
        var c = await MemberAsync("share-c", "$share/backend/fleet/+/telemetry", MqttProtocolVersion.V311); // AWS shares on 3.1.1 too
        var other = await MemberAsync("share-other", "$share/archive/fleet/#", MqttProtocolVersion.V500);
        var plain = await MemberAsync("plain", "fleet/+/telemetry", MqttProtocolVersion.V311);

        await PublishAsync("m", n);
        Assert.True(await Eventually.TrueAsync(() => plain.Seen.Count == n && a.Seen.Count + b.Seen.Count + c.Seen.Count == n && other.Seen.Count == n, TimeSpan.FromSeconds(20)), $"plain {plain.Seen.Count}, group {a.Seen.Count}+{b.Seen.Count}+{c.Seen.Count}, other {other.Seen.Count} of {n}");
        await Task.Delay(300); // nothing more arrives: no member got a copy twice

        var members = new[] { a, b, c };
        var shared = members.SelectMany(m => m.Seen).ToList();
        Assert.Equal(n, shared.Count);
        Assert.Equal(n, shared.Distinct().Count());
        Assert.All(members, m => Assert.InRange(m.Seen.Count, 40, 200)); // random among three: about 100 each
        Assert.Equal(n, plain.Seen.Distinct().Count());
        Assert.Equal(n, other.Seen.Distinct().Count()); // another group gets its own copy

        // A member that leaves gets nothing more; the group goes when its last member does.
        await a.Client.UnsubscribeAsync("$share/backend/fleet/+/telemetry");
        var before = a.Seen.Count;
        await PublishAsync("after", 60);
        Assert.True(await Eventually.TrueAsync(() => b.Seen.Count + c.Seen.Count == n - before + 60, TimeSpan.FromSeconds(20)), $"{b.Seen.Count}+{c.Seen.Count}");
        Assert.Equal(before, a.Seen.Count);
        foreach (var m in members.Append(other).Append(plain))
        {
            await m.Client.DisconnectAsync();
            m.Client.Dispose();
        }

        Assert.True(await Eventually.TrueAsync(() => _g.Gateway.Broker.Router.SharedGroups == 0, TimeSpan.FromSeconds(10)), "the groups are gone with their members");
    }

    [Fact]
    public async Task AMemberThatMayNotReceiveTheTopicIsPassedOver()
    {
        var allowed = await MemberAsync("recv-ok", "$share/pick/fleet/#", MqttProtocolVersion.V500);
        var denied = await MemberAsync("recv-no", "$share/pick/fleet/#", MqttProtocolVersion.V500, token: "no-receive");
        await PublishAsync("r", 50);
        Assert.True(await Eventually.TrueAsync(() => allowed.Seen.Count == 50, TimeSpan.FromSeconds(20)), $"{allowed.Seen.Count} of 50");
        Assert.Empty(denied.Seen);
        allowed.Client.Dispose();
        denied.Client.Dispose();
    }

    [Theory]
    [InlineData("$share/onlyname")] // no topic filter
    [InlineData("$share//fleet/#")] // an empty share name
    public async Task AMalformedSharedFilterIsRefused(string filter)
    {
        var v5 = await MemberAsync("bad5", filter, MqttProtocolVersion.V500, expect: MqttClientSubscribeResultCode.TopicFilterInvalid);
        v5.Client.Dispose();
        var v3 = await MemberAsync("bad3", filter, MqttProtocolVersion.V311, expect: MqttClientSubscribeResultCode.UnspecifiedError);
        v3.Client.Dispose();
    }

    [Fact]
    public async Task AWildcardInTheShareNameIsAMalformedFilter()
    {
        // '+' not alone in its level breaks [MQTT-4.7.1-3] before the share is looked at: a Protocol Error, the connection closed.
        var e = await Assert.ThrowsAsync<MQTTnet.Exceptions.MqttClientUnexpectedDisconnectReceivedException>(() => MemberAsync("bad-name", "$share/back+end/fleet/#", MqttProtocolVersion.V500));
        Assert.Equal(MqttDisconnectReasonCode.ProtocolError, (MqttDisconnectReasonCode)e.ReasonCode!);
    }

    [Fact]
    public async Task ThePolicyMustGrantTheSharedFilterItself()
    {
        // Subscribe is allowed on topicfilter/fleet/*, which the shared filter $share/g/fleet/# is not.
        var plain = await MemberAsync("ns-plain", "fleet/+/telemetry", MqttProtocolVersion.V500, token: "no-share");
        var shared = await MemberAsync("ns-shared", "$share/g/fleet/#", MqttProtocolVersion.V500, token: "no-share", expect: MqttClientSubscribeResultCode.NotAuthorized);
        plain.Client.Dispose();
        shared.Client.Dispose();
    }
}
