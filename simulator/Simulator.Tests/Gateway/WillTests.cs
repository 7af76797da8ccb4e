using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using Simulator.Core.CustomAuth;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;
using MqttClientOptions = Simulator.Core.Mqtt.Client.MqttClientOptions;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Wills as MQTT defines them and AWS publishes them: sent when a connection ends without a normal
/// DISCONNECT (or with MQTT 5's 0x04), with its properties; an MQTT 5 Will Delay Interval waits and
/// a resumed session cancels it; a CONNECT whose Will the policy may not publish is refused, with a
/// connect_failed event, and a retained Will is kept. A watcher subscribed to every Will topic sees exactly what was sent.
/// </summary>
public sealed class WillTests : IAsyncLifetime
{
    private const string NoWillPublish = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"},{"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:*:*:topic/*/will"}]}""";
    private const string RetainToo = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Subscribe","iot:Receive","iot:Publish","iot:RetainPublish"],"Resource":"*"}]}""";
    private readonly TempDir _dir = new();
    private readonly Channel<(string Topic, string Payload, MqttProperties Properties)> _wills = Channel.CreateUnbounded<(string, string, MqttProperties)>();
    private TestLambda _lambda = null!;
    private LocalGateway _gateway = null!;
    private MqttClientConnection _watcher = null!;

    public async Task InitializeAsync()
    {
        _lambda = await TestLambda.StartAsync((e, _) => e.GetProperty("token").GetString() switch
        {
            "no-will" => $$"""{"isAuthenticated":true,"principalId":"fleet","disconnectAfterInSeconds":3600,"refreshAfterInSeconds":300,"policyDocuments":[{{System.Text.Json.JsonSerializer.Serialize(NoWillPublish)}}]}""",
            "retain" => $$"""{"isAuthenticated":true,"principalId":"fleet","disconnectAfterInSeconds":3600,"refreshAfterInSeconds":300,"policyDocuments":[{{System.Text.Json.JsonSerializer.Serialize(RetainToo)}}]}""",
            _ => TestLambda.Allow(true, "fleet"),
        });
        _gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = _dir["data"],
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers = [new() { Name = "my-lambda", Type = "http", SigningDisabled = true, TokenKeyName = "x-token", CalloutUrl = _lambda.Url }],
            DefaultAuthorizer = "my-lambda",
        });
        _watcher = await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions
        {
            ClientId = "watcher",
            Username = User("t"),
            Version = MqttVersion.V500,
            MessageReceived = (in PublishPacket m) => _wills.Writer.TryWrite((Encoding.UTF8.GetString(m.Topic), Encoding.UTF8.GetString(m.Payload), MqttProperties.Read(m.Properties, MqttPacketType.Publish))),
        });
        await _watcher.SubscribeAsync([("+/will", MqttQos.AtLeastOnce), ("$aws/events/presence/connect_failed/+", MqttQos.AtLeastOnce)]);
    }

    public async Task DisposeAsync()
    {
        await _watcher.DisposeAsync();
        await _gateway.DisposeAsync();
        await _lambda.DisposeAsync();
        _dir.Dispose();
    }

    private TransportOptions Alpn => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _gateway.Port, CaFile = _gateway.CaFile, Alpn = ["mqtt"] };

    private static string User(string token) => new CustomAuthCredentials("my-lambda", "x-token", token, null).ToUsername("user");

    private static ConnectPacket WithWill(string clientId, string token = "t", byte level = 4, uint willDelay = 0, uint sessionExpiry = 0, bool clean = true, bool retain = false) => new()
    {
        ClientId = clientId,
        Username = User(token),
        KeepAliveSeconds = 60,
        ProtocolLevel = level,
        CleanSession = clean,
        WillTopic = $"{clientId}/will",
        WillMessage = Encoding.UTF8.GetBytes($"{clientId} gone"),
        WillQos = MqttQos.AtLeastOnce,
        WillRetain = retain,
        WillProperties = level == 5 ? new MqttProperties { WillDelayInterval = willDelay == 0 ? null : willDelay } : null,
        Properties = level == 5 && sessionExpiry > 0 ? new MqttProperties { SessionExpiryInterval = sessionExpiry } : null,
    };

    private async Task<RawMqttSession> ConnectedAsync(ConnectPacket connect)
    {
        var raw = await RawMqttSession.ConnectAsync(Alpn, connect);
        Assert.Equal(MqttPacketType.ConnAck, (await raw.NextAsync()).Packet.Type);
        return raw;
    }

    private async Task<(string Topic, string Payload, MqttProperties Properties)> NextWillAsync(double seconds = 10)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await _wills.Reader.ReadAsync(cts.Token);
    }

    private async Task NoWillWithinAsync(double seconds)
    {
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Assert.False(_wills.Reader.TryRead(out var early), $"a Will came: {early.Payload}");
    }

    [Fact]
    public async Task A311WillGoesWhenTheConnectionDropsAndNotAfterADisconnect()
    {
        var sent = _gateway.Counters.WillsSent;
        await using (var polite = await ConnectedAsync(WithWill("polite")))
        {
            await polite.SendAsync(w => EmptyPacket.Write(w, MqttPacketType.Disconnect));
        }

        await (await ConnectedAsync(WithWill("dropped"))).DisposeAsync(); // closed with no DISCONNECT
        Assert.Equal(("dropped/will", "dropped gone"), (await NextWillAsync()) is var (t, p, _) ? (t, p) : default);
        await NoWillWithinAsync(0.5);
        Assert.Equal(sent + 1, _gateway.Counters.WillsSent);
    }

    [Fact]
    public async Task MqttNetsWillGoesWithItsPropertiesWhenItDisconnectsWithWillMessage()
    {
        var trust = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        trust.ImportFromPemFile(_gateway.CaFile);
        using var device = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithClientId("mqttnet").WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(20))
            .WithWillTopic("mqttnet/will").WithWillPayload("battery flat").WithWillContentType("text/plain").WithWillUserProperty("fw", new ArraySegment<byte>("2.0.1"u8.ToArray()))
            .WithTcpServer("localhost", _gateway.Port).WithCredentials(User("t"), string.Empty)
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithTrustChain(trust).WithApplicationProtocols([new System.Net.Security.SslApplicationProtocol("mqtt")])).Build();
        Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(options)).ResultCode);
        await device.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.DisconnectWithWillMessage });

        var (topic, payload, properties) = await NextWillAsync();
        Assert.Equal(("mqttnet/will", "battery flat"), (topic, payload));
        Assert.Equal("text/plain", properties.ContentType);
        Assert.Equal([new MqttUserProperty("fw", "2.0.1")], properties.UserProperties!);
    }

    [Fact]
    public async Task ADelayedWillWaitsAndAResumedSessionCancelsIt()
    {
        var connect = WithWill("sleepy", level: 5, willDelay: 2, sessionExpiry: 600, clean: false);
        await (await ConnectedAsync(connect)).DisposeAsync();
        await using (await ConnectedAsync(connect))
        {
            await NoWillWithinAsync(2.5); // resumed within the delay: never sent
        }

        var dropped = DateTime.UtcNow;
        var (topic, _, _) = await NextWillAsync();
        Assert.Equal("sleepy/will", topic);
        Assert.True(DateTime.UtcNow - dropped >= TimeSpan.FromSeconds(1.5), "sent before its Will Delay Interval");
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task ACONNECTWhoseWillThePolicyRefusesIsRefusedWithAConnectFailedEvent(MqttProtocolVersion version)
    {
        // As Nordic's aws_iot library's default Will topic lies outside a policy of the device's own topics, this one is denied iot:Publish.
        var clientId = $"denied{(int)version}";
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithClientId(clientId).WithProtocolVersion(version)
            .WithTcpServer("localhost", _gateway.Port).WithCredentials(User("no-will"), string.Empty).WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic($"{clientId}/will").WithWillPayload("gone").WithWillQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithTrustChain(Trust()).WithApplicationProtocols([new System.Net.Security.SslApplicationProtocol("mqtt")])).Build();
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, (await client.ConnectAsync(options)).ResultCode); // CONNACK 0x87
        }
        else
        {
            await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(options)); // 3.1.1: closed without a CONNACK
        }

        Assert.False(client.IsConnected);
        var (topic, payload, _) = await NextWillAsync();
        Assert.Equal($"$aws/events/presence/connect_failed/{clientId}", topic);
        using var e = System.Text.Json.JsonDocument.Parse(payload);
        Assert.Equal("connect_failed", e.RootElement.GetProperty("eventType").GetString());
        Assert.Equal("AUTHORIZATION_FAILED", e.RootElement.GetProperty("failureReason").GetString());
        Assert.Equal(clientId, e.RootElement.GetProperty("clientId").GetString());
        await NoWillWithinAsync(0.5); // and no Will: the connection never was
    }

    [Fact]
    public async Task ARetainedWillIsKeptAsItsTopicsRetainedMessage()
    {
        // A retained Will needs iot:RetainPublish as well: without it the CONNECT is refused (3.1.1: closed, no CONNACK).
        await using (var refused = await RawMqttSession.ConnectAsync(Alpn, WithWill("keeper", retain: true)))
        {
            await Assert.ThrowsAnyAsync<Exception>(refused.NextAsync);
        }

        Assert.Equal("$aws/events/presence/connect_failed/keeper", (await NextWillAsync()).Topic); // the watcher sees the event too

        await (await ConnectedAsync(WithWill("keeper", token: "retain", retain: true))).DisposeAsync();
        var (topic, payload, _) = await NextWillAsync();
        Assert.Equal("keeper/will", topic);
        var kept = Assert.Single(_gateway.Broker.Retained.Matching("keeper/will"));
        Assert.Equal(payload, Encoding.UTF8.GetString(kept.Payload));
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2Collection Trust()
    {
        var trust = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        trust.ImportFromPemFile(_gateway.CaFile);
        return trust;
    }
}
