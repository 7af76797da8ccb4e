using System.Text.Json;
using Simulator.Core.CustomAuth;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Policies are refreshed on a timer, as AWS does, whether or not a device sends anything: the
/// refresh invokes the user's authorizer with the connection's own connectionMetadata.id, is counted
/// apart from connects, and a refresh the authorizer denies disconnects the device.
/// </summary>
public sealed class PolicyRefreshTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestLambda _lambda = null!;
    private LocalGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        // "short-lived" is allowed to connect and refresh once; its third invocation is denied.
        _lambda = await TestLambda.StartAsync((e, before) =>
        {
            var token = e.GetProperty("token").GetString();
            return TestLambda.Allow(token == "long-lived" || (token == "short-lived" && before < 2), "p1", refreshAfterSeconds: 1);
        });
        _gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = _dir["data"],
            MinimumAuthTtlSeconds = 1,
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers = [new() { Name = "my-lambda", Type = "http", SigningDisabled = true, CalloutUrl = _lambda.Url }],
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

    private static string User(string token) => new CustomAuthCredentials("my-lambda", "token", token, null).ToUsername("user");

    [Fact]
    public async Task IdleConnectionsAreRefreshedOnATimerWithTheirOwnConnectionIdAndADeniedRefreshDisconnects()
    {
        var steady = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = $"steady{i}", Username = User("long-lived"), KeepAliveSeconds = 60 })));
        var doomed = await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = "doomed", Username = User("short-lived"), KeepAliveSeconds = 60 });
        try
        {
            // Nothing is sent: refreshes come from the gateway's timer (first within 1-2 s, then every second).
            await Task.Delay(TimeSpan.FromSeconds(6.5));
            var function = _gateway.Counters.Functions.Single();
            Assert.True(function.RefreshInvocations >= 6, $"refreshes {function.RefreshInvocations}");
            Assert.Equal(function.Invocations, 4 + function.RefreshInvocations); // connects are counted apart

            var events = _lambda.Events;

            var byConnection = events.GroupBy(e => e.GetProperty("connectionMetadata").GetProperty("id").GetString()).ToList();
            Assert.Equal(4, byConnection.Count); // one id per connection, kept by every refresh
            Assert.All(byConnection, g => Assert.Single(g.Select(e => e.GetProperty("protocolData").GetProperty("mqtt").GetProperty("clientId").GetString()).Distinct()));
            Assert.All(byConnection.Where(g => g.First().GetProperty("token").GetString() == "long-lived"), g => Assert.True(g.Count() >= 3, $"{g.Key}: {g.Count()} invocations"));

            // The third invocation of the short-lived connection was denied: the gateway closed it.
            var failure = await doomed.Completion.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.NotNull(failure);
            Assert.True(_gateway.Counters.DisconnectReasons.GetValueOrDefault("AUTH_ERROR") >= 1, string.Join(", ", _gateway.Counters.DisconnectReasons));
            Assert.All(steady, c => Assert.True(c.IsConnected));
        }
        finally
        {
            foreach (var c in steady)
            {
                await c.DisposeAsync();
            }

            await doomed.DisposeAsync();
        }
    }
}
