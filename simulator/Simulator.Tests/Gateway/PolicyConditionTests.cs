using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;
using MqttClientOptions = Simulator.Core.Mqtt.Client.MqttClientOptions;

namespace Simulator.Tests.Gateway;

/// <summary>
/// An authorizer's policy with an <c>iot:ConnectAttributes</c> condition, enforced at CONNECT over
/// real connections: a policy that allows clean sessions without a Will refuses a persistent
/// session (3.1.1 and MQTT 5) and a Will (MQTTnet); a condition the gateway cannot evaluate is an
/// invalid answer, counted as such.
/// </summary>
public sealed class PolicyConditionTests : IAsyncLifetime
{
    private const string CleanOnly = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"ForAllValues:StringEquals":{"iot:ConnectAttributes":[]}}},{"Effect":"Allow","Action":["iot:Publish","iot:Subscribe","iot:Receive"],"Resource":"*"}]}""";
    private const string Open = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}""";
    private const string ReceiveNarrow = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Subscribe"],"Resource":"*"},{"Effect":"Allow","Action":"iot:Receive","Resource":"arn:aws:iot:*:*:topic/narrow/*"}]}""";
    private const string SourceIp = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}}]}""";
    private readonly TempDir _dir = new();
    private TestLambda _lambda = null!;
    private LocalGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _lambda = await TestLambda.StartAsync((e, _) =>
        {
            var policy = e.GetProperty("token").GetString() switch
            {
                "source-ip" => SourceIp,
                "open" => Open,
                "narrow" => ReceiveNarrow,
                _ => CleanOnly,
            };
            return $$"""{"isAuthenticated":true,"principalId":"fleet","disconnectAfterInSeconds":3600,"refreshAfterInSeconds":300,"policyDocuments":[{{System.Text.Json.JsonSerializer.Serialize(policy)}}]}""";
        });
        _gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = _dir["data"],
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers = [new() { Name = "my-lambda", Type = "http", SigningDisabled = true, TokenKeyName = "x-token", CalloutUrl = _lambda.Url }],
            DefaultAuthorizer = "my-lambda",
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _lambda.DisposeAsync();
        _dir.Dispose();
    }

    private TransportOptions Alpn => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _gateway.Port, CaFile = _gateway.CaFile, Alpn = ["mqtt"] };

    private static string User(string token) => new CustomAuthCredentials("my-lambda", "x-token", token, null).ToUsername("user");

    [Fact]
    public async Task APolicyForCleanSessionsWithoutAWillRefusesPersistentSessionsAndWills()
    {
        var denied = _gateway.Counters.Denies.GetValueOrDefault(DenyReason.PolicyDenied);

        // Clean: allowed on both versions.
        await (await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "clean", Username = User("t") })).DisposeAsync();
        await (await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "clean5", Username = User("t"), Version = MqttVersion.V500 })).DisposeAsync();

        // PersistentConnect: closed without a CONNACK on 3.1.1, Not authorized on MQTT 5.
        var v311 = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "kept", Username = User("t"), CleanSession = false }));
        Assert.Equal(FailureKind.ClosedAfterConnect, v311.Kind);
        var v5 = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "kept5", Username = User("t"), Version = MqttVersion.V500, SessionExpirySeconds = 600 }));
        Assert.Equal("ConnAck:NotAuthorized", v5.FailureClass);

        // LastWill, from MQTTnet: refused too.
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(_gateway.CaFile);
        using var mqttnet = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithClientId("will").WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart().WithWillTopic("will/status").WithWillPayload("gone")
            .WithTcpServer("localhost", _gateway.Port).WithCredentials(User("t"), string.Empty).WithTimeout(TimeSpan.FromSeconds(20))
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithTrustChain(trust).WithApplicationProtocols([new SslApplicationProtocol("mqtt")])).Build();
        var refused = await mqttnet.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refused.ResultCode);
        Assert.False(mqttnet.IsConnected);

        Assert.Equal(denied + 3, _gateway.Counters.Denies.GetValueOrDefault(DenyReason.PolicyDenied));
    }

    [Fact]
    public async Task APersistentSessionAskedForOnlyAtDisconnectIsAProtocolErrorNotASession()
    {
        // Clean at CONNECT (the policy allows it), then a DISCONNECT that raises the session expiry
        // from 0: v5 §3.14.2.2.2 makes that a Protocol Error, so PersistentConnect is never dodged.
        await using var raw = await RawMqttSession.ConnectAsync(Alpn, new ConnectPacket { ClientId = "late-keeper", Username = User("t"), ProtocolLevel = 5, CleanSession = true, KeepAliveSeconds = 60 });
        var connAck = await raw.NextAsync();
        Assert.Equal(MqttPacketType.ConnAck, connAck.Packet.Type);
        await raw.SendAsync(new DisconnectPacket(MqttReasonCode.Success) { Properties = new MqttProperties { SessionExpiryInterval = 3600 } }.Write);
        var answer = await raw.NextAsync();
        Assert.Equal(MqttPacketType.Disconnect, answer.Packet.Type);
        Assert.Equal(MqttReasonCode.ProtocolError, DisconnectPacket.Read(answer.Packet, MqttVersion.V500).ReasonCode);
        await Task.Delay(200);
        Assert.Equal(0, _gateway.Broker.PersistedSessions);
    }

    [Fact]
    public async Task StoredMessagesGoOnlyWhereTheResumingPrincipalMayReceiveThem()
    {
        // A principal with an open policy keeps a session subscribed to secret/#, and a message is stored for it.
        await using (var owner = await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "shared-id", Username = User("open"), CleanSession = false }))
        {
            await owner.SubscribeAsync([("secret/#", MqttQos.AtLeastOnce)]);
            await owner.DisconnectAsync();
        }

        var dropped = _gateway.Counters.QueuedMessagesDropped;
        await using (var publisher = await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "publisher", Username = User("open") }))
        {
            await publisher.PublishAsync("secret/plans"u8.ToArray(), "for the owner"u8.ToArray(), MqttQos.AtLeastOnce);
        }

        Assert.True(await Eventually.TrueAsync(() => _gateway.Counters.MessagesQueued >= 1, TimeSpan.FromSeconds(5)), "the message was not stored");

        // Another principal, whose policy allows iot:Receive only under narrow/, resumes the client id: the message is not its to get.
        var received = 0;
        await using var resumer = await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "shared-id", Username = User("narrow"), CleanSession = false, MessageReceived = (in PublishPacket _) => Interlocked.Increment(ref received) });
        Assert.True(await Eventually.TrueAsync(() => _gateway.Counters.QueuedMessagesDropped > dropped, TimeSpan.FromSeconds(5)), "the stored message was neither sent nor dropped");
        await Task.Delay(500);
        Assert.Equal(0, Volatile.Read(ref received));
        Assert.Equal(dropped + 1, _gateway.Counters.QueuedMessagesDropped);
    }

    [Fact]
    public async Task AConditionTheGatewayCannotEvaluateIsAnInvalidAnswerNotASilentAllow()
    {
        var invalid = _gateway.Counters.Denies.GetValueOrDefault(DenyReason.InvalidResponse);
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "ip", Username = User("source-ip") }));
        Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
        Assert.Equal(invalid + 1, _gateway.Counters.Denies.GetValueOrDefault(DenyReason.InvalidResponse));
    }
}
