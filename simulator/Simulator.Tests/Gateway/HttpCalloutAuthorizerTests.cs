using System.Text;
using System.Text.Json;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Tests.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>A user's authorizer behind an HTTP callout receives AWS's event and its answer is enforced and validated.</summary>
public sealed class HttpCalloutAuthorizerTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestLambda _lambda = null!;
    private LocalGateway _gateway = null!;
    private string _principal = "watcher1";
    private int _padding;

    public async Task InitializeAsync()
    {
        _lambda = await TestLambda.StartAsync((e, _) => Padded(TestLambda.Allow(e.GetProperty("token").GetString() == "let-me-in", _principal)));
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
    public async Task TheEventHasAwsShapeAndLifecycleEventsReachAnAllowedWatcher()
    {
        var (watcher, inbox) = await ClientHarness.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "watcher", Username = User("let-me-in"), Password = "pw"u8.ToArray() });
        await using (watcher)
        {
            var e = _lambda.Events.Single();
            Assert.Equal("let-me-in", e.GetProperty("token").GetString());
            Assert.False(e.GetProperty("signatureVerified").GetBoolean());
            Assert.Equal(["tls", "mqtt"], e.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal("localhost", e.GetProperty("protocolData").GetProperty("tls").GetProperty("serverName").GetString());
            var mqtt = e.GetProperty("protocolData").GetProperty("mqtt");
            Assert.Equal("watcher", mqtt.GetProperty("clientId").GetString());
            Assert.Equal(Convert.ToBase64String("pw"u8.ToArray()), mqtt.GetProperty("password").GetString());
            Assert.True(Guid.TryParse(e.GetProperty("connectionMetadata").GetProperty("id").GetString(), out _));

            await watcher.SubscribeAsync([("$aws/events/presence/+/+", MqttQos.AtMostOnce)]);
            await (await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "device-9", Username = User("let-me-in") })).DisposeAsync();

            // AWS may deliver lifecycle events out of order (their versionNumber orders them), and so
            // may the gateway: the two are told apart by topic, not by arrival.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var events = new[] { await inbox.ReadAsync(cts.Token), await inbox.ReadAsync(cts.Token) };
            var connected = Assert.Single(events, m => m.Topic == "$aws/events/presence/connected/device-9");
            var disconnected = Assert.Single(events, m => m.Topic == "$aws/events/presence/disconnected/device-9");
            using var doc = JsonDocument.Parse(disconnected.Payload);
            Assert.Equal("CLIENT_INITIATED_DISCONNECT", doc.RootElement.GetProperty("disconnectReason").GetString());
            Assert.Equal("watcher1", doc.RootElement.GetProperty("principalIdentifier").GetString());

            // Both events of one connection carry its address and one version number, which rises with the next connect.
            using var up = JsonDocument.Parse(connected.Payload);
            Assert.Equal("127.0.0.1", up.RootElement.GetProperty("ipAddress").GetString());
            Assert.Equal("127.0.0.1", doc.RootElement.GetProperty("ipAddress").GetString());
            var version = up.RootElement.GetProperty("versionNumber").GetInt64();
            Assert.Equal(version, doc.RootElement.GetProperty("versionNumber").GetInt64());
            await (await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "device-9", Username = User("let-me-in") })).DisposeAsync();
            foreach (var next in new[] { await inbox.ReadAsync(cts.Token), await inbox.ReadAsync(cts.Token) })
            {
                using var again = JsonDocument.Parse(next.Payload);
                Assert.True(again.RootElement.GetProperty("versionNumber").GetInt64() > version, next.Topic);
            }
        }
    }

    [Fact]
    public async Task DenialsAndInvalidResponsesAreEnforced()
    {
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "d1", Username = User("nope") }));
        Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
        Assert.Equal(1, _gateway.Counters.Denies[DenyReason.AuthorizerDenied]);

        _principal = "not valid!"; // principalId must be [a-zA-Z0-9]{1,128}
        e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "d2", Username = User("let-me-in") }));
        Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
        Assert.Equal(1, _gateway.Counters.Denies[DenyReason.InvalidResponse]);
    }

    /// <summary>The callout's answer is read into a 64 KB buffer at most: an allowing answer past it is a failed authorizer, never a connect (and never gigabytes held).</summary>
    [Fact]
    public async Task AnAnswerPastTheCalloutsCapIsRefused()
    {
        _padding = 128 * 1024;
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "big", Username = User("let-me-in") }));
        Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
        Assert.Equal(1, _gateway.Counters.Denies[DenyReason.AuthorizerFailed]);

        _padding = 16 * 1024; // within the cap, the same answer connects
        var (ok, _) = await ClientHarness.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "small", Username = User("let-me-in") });
        await ok.DisposeAsync();
    }

    private string Padded(string answer) => _padding == 0 ? answer : "{\"padding\":\"" + new string('x', _padding) + "\"," + answer[(answer.IndexOf('{', StringComparison.Ordinal) + 1)..];
}
