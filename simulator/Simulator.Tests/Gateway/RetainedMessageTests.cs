using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Retained messages as AWS IoT Core keeps them, with MQTTnet on MQTT 5 and 3.1.1 and curl over
/// HTTPS: one per topic, replaced by the next and deleted by an empty one, sent with RETAIN set to
/// each new subscription that matches (wildcards included) and with RETAIN clear to those already
/// there; Retain Handling, shared subscriptions, iot:RetainPublish and iot:Receive decide who gets one.
/// </summary>
public sealed class RetainedMessageTests : IAsyncLifetime
{
    private const string NoRetain = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"},{"Effect":"Deny","Action":"iot:RetainPublish","Resource":"*"}]}""";
    private const string NoSecret = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"},{"Effect":"Deny","Action":"iot:Receive","Resource":"arn:aws:iot:*:*:topic/cfg/secret"}]}""";
    private PolicyGateway _g = null!;

    public async Task InitializeAsync() => _g = await PolicyGateway.StartAsync(
        "cfg",
        new Dictionary<string, string> { ["no-retain"] = NoRetain, ["no-secret"] = NoSecret },
        new QuotaOptions { ConnectsPerSecondPerClientId = 0, PublishesPerSecondPerConnection = 0 });

    public async Task DisposeAsync() => await _g.DisposeAsync();

    private sealed record Client(IMqttClient Mqtt, ConcurrentQueue<(string Topic, string Payload, bool Retain)> Seen) : IDisposable
    {
        public void Dispose() => Mqtt.Dispose();
    }

    private async Task<Client> ConnectAsync(string clientId, MqttProtocolVersion version, string token = "open")
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var seen = new ConcurrentQueue<(string, string, bool)>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(_g.MqttNet(clientId, version, token));
        return new Client(client, seen);
    }

    private static async Task SubscribeAsync(Client client, string filter, MqttRetainHandling handling = MqttRetainHandling.SendAtSubscribe)
    {
        var result = await client.Mqtt.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainHandling(handling)).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, result.Items.Single().ResultCode);
    }

    private static Task<MqttClientPublishResult> PublishAsync(Client client, string topic, string payload, bool retain = true) =>
        client.Mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build());

    /// <summary>What a fresh subscriber to <paramref name="filter"/> gets in a moment: the retained messages, sorted by topic.</summary>
    private async Task<List<(string Topic, string Payload, bool Retain)>> RetainedAtAsync(string filter, MqttProtocolVersion version, int expect)
    {
        using var late = await ConnectAsync("late-" + Guid.NewGuid().ToString("N")[..8], version);
        await SubscribeAsync(late, filter);
        await Eventually.TrueAsync(() => late.Seen.Count >= expect, TimeSpan.FromSeconds(10));
        await Task.Delay(300); // and nothing more
        await late.Mqtt.DisconnectAsync();
        return [.. late.Seen.OrderBy(m => m.Topic, StringComparer.Ordinal)];
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task ARetainedMessageReachesEachLaterSubscriberAndAnEmptyOneDeletesIt(MqttProtocolVersion version)
    {
        using var live = await ConnectAsync("live", version);
        await SubscribeAsync(live, "cfg/#");
        using var publisher = await ConnectAsync("publisher", version);
        await PublishAsync(publisher, "cfg/a", "v1");
        await PublishAsync(publisher, "cfg/a", "v2"); // replaces v1
        await PublishAsync(publisher, "cfg/b", "x");
        await PublishAsync(publisher, "cfg/c", "not kept", retain: false);

        // A subscriber already there gets each as a normal message: RETAIN clear ([MQTT-3.3.1-9]).
        Assert.True(await Eventually.TrueAsync(() => live.Seen.Count == 4, TimeSpan.FromSeconds(10)), $"{live.Seen.Count} of 4");
        Assert.All(live.Seen, m => Assert.False(m.Retain, m.Topic));

        // A new one gets the topic's latest retained message once, with RETAIN set; a wildcard gets every match.
        Assert.Equal([("cfg/a", "v2", true)], await RetainedAtAsync("cfg/a", version, 1));
        Assert.Equal([("cfg/a", "v2", true), ("cfg/b", "x", true)], await RetainedAtAsync("cfg/+", version, 2));
        Assert.Empty(await RetainedAtAsync("cfg/c", version, 0));

        // An empty retained PUBLISH deletes the topic's retained message, and still reaches the live subscriber.
        await PublishAsync(publisher, "cfg/a", string.Empty);
        Assert.True(await Eventually.TrueAsync(() => live.Seen.Count == 5, TimeSpan.FromSeconds(10)), $"{live.Seen.Count} of 5");
        Assert.Equal([("cfg/b", "x", true)], await RetainedAtAsync("cfg/#", version, 1));
        await PublishAsync(publisher, "cfg/b", string.Empty);
        Assert.Equal(0, _g.Gateway.Broker.Retained.Count);
    }

    [Fact]
    public async Task RetainHandlingDecidesWhetherASubscriptionGetsThem()
    {
        using var publisher = await ConnectAsync("rh-pub", MqttProtocolVersion.V500);
        await PublishAsync(publisher, "cfg/rh", "kept");

        using var never = await ConnectAsync("rh-never", MqttProtocolVersion.V500);
        await SubscribeAsync(never, "cfg/rh", MqttRetainHandling.DoNotSendOnSubscribe);

        using var onlyNew = await ConnectAsync("rh-new", MqttProtocolVersion.V500);
        await SubscribeAsync(onlyNew, "cfg/rh", MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly);
        await SubscribeAsync(onlyNew, "cfg/rh", MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly); // the same filter again: not new

        using var always = await ConnectAsync("rh-always", MqttProtocolVersion.V500);
        await SubscribeAsync(always, "cfg/rh");
        await SubscribeAsync(always, "cfg/rh"); // 0 sends them at every SUBSCRIBE

        Assert.True(await Eventually.TrueAsync(() => always.Seen.Count == 2 && onlyNew.Seen.Count == 1, TimeSpan.FromSeconds(10)), $"always {always.Seen.Count}, new only {onlyNew.Seen.Count}");
        await Task.Delay(300);
        Assert.Empty(never.Seen);
        Assert.Single(onlyNew.Seen);
        Assert.Equal(2, always.Seen.Count);
    }

    [Fact]
    public async Task NeitherASharedSubscriptionNorAReceiverThePolicyStopsGetsThem()
    {
        using var publisher = await ConnectAsync("sh-pub", MqttProtocolVersion.V500);
        await PublishAsync(publisher, "cfg/shared", "one");
        await PublishAsync(publisher, "cfg/secret", "two");

        using var member = await ConnectAsync("sh-member", MqttProtocolVersion.V500);
        await SubscribeAsync(member, "$share/g/cfg/#"); // v5 §4.8.2: no retained messages on a shared subscription
        using var narrow = await ConnectAsync("sh-narrow", MqttProtocolVersion.V500, token: "no-secret");
        await SubscribeAsync(narrow, "cfg/#");

        Assert.True(await Eventually.TrueAsync(() => narrow.Seen.Count == 1, TimeSpan.FromSeconds(10)), $"{narrow.Seen.Count}");
        await Task.Delay(300);
        Assert.Equal([("cfg/shared", "one", true)], narrow.Seen.ToList());
        Assert.Empty(member.Seen);
    }

    [Fact]
    public async Task RetainingNeedsRetainPublish()
    {
        // MQTT 5: the PUBACK says Not authorized, nothing is kept, the connection stays and may publish without RETAIN.
        using var v5 = await ConnectAsync("nr-5", MqttProtocolVersion.V500, token: "no-retain");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await PublishAsync(v5, "cfg/denied", "no")).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAsync(v5, "cfg/denied", "plain", retain: false)).ReasonCode);
        Assert.Empty(await RetainedAtAsync("cfg/denied", MqttProtocolVersion.V500, 0));

        // 3.1.1 has no way to say no in a PUBACK: the connection is closed, as for any denied publish.
        using var v3 = await ConnectAsync("nr-3", MqttProtocolVersion.V311, token: "no-retain");
        await Assert.ThrowsAnyAsync<MqttCommunicationException>(() => PublishAsync(v3, "cfg/denied", "no"));
        Assert.Equal(0, _g.Gateway.Broker.Retained.Count);
    }

    [Fact]
    public async Task AnHttpsPublishWithRetainTrueIsKeptAndAnEmptyOneDeletesIt()
    {
        async Task<string> PostAsync(string query, string body, string token = "open")
        {
            var r = await Proc.RunAsync("curl", ["-sS", "--max-time", "10", "--cacert", _g.Gateway.CaFile, "-X", "POST", $"https://localhost:{_g.Gateway.Port}/topics/cfg/http?{query}",
                "-H", $"x-token: {token}", "-H", "x-amz-customauthorizer-name: cfg", "--data-binary", body, "-w", " %{http_code}"], timeoutMs: 15_000);
            return r.Stdout;
        }

        Assert.EndsWith(" 200", await PostAsync("qos=1&retain=true", "from-http"), StringComparison.Ordinal);
        Assert.Equal([("cfg/http", "from-http", true)], await RetainedAtAsync("cfg/http", MqttProtocolVersion.V500, 1));
        Assert.EndsWith(" 403", await PostAsync("qos=1&retain=true", "no", token: "no-retain"), StringComparison.Ordinal);
        Assert.EndsWith(" 400", await PostAsync("retain=yes", "bad"), StringComparison.Ordinal);
        Assert.EndsWith(" 200", await PostAsync("qos=1&retain=true", string.Empty), StringComparison.Ordinal);
        Assert.Empty(await RetainedAtAsync("cfg/http", MqttProtocolVersion.V311, 0));
    }
}
