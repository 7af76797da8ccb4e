using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>Garbage, missing credentials and oversized tokens: the answer AWS would give, and other devices carry on.</summary>
public sealed class GatewayBadInputTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly CapturingLoggerProvider _logs = new();
    private LocalGateway _gateway = null!;
    private Fleet _fleet = null!;

    public async Task InitializeAsync()
    {
        _fleet = FleetStore.Create(new FleetSpec { Seed = 31, Count = 3 }, _dir["fleet"]);
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        _gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = _dir["data"], FleetDirectory = _dir["fleet"], Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 } }, loggerFactory);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _dir.Dispose();
    }

    private TransportOptions Alpn => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _gateway.Port, CaFile = _gateway.CaFile, Alpn = ["mqtt"] };

    private async Task<string> UsernameAsync(string iccid)
    {
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        http.DefaultRequestHeaders.Add("X-Sim-Iccid", iccid);
        var json = await http.GetStringAsync($"https://localhost:{_gateway.Port}/device-api/onboarding/mqtt/tokens");
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("username").GetString()!;
    }

    [Fact]
    public async Task BadInputIsRefusedAndAnotherDeviceCarriesOn()
    {
        var good = _fleet[0].Iccid;
        var (bystander, inbox) = await ClientHarness.ConnectAsync(Alpn, new MqttClientOptions { ClientId = good, Username = await UsernameAsync(good) });
        await using (bystander)
        {
            await bystander.SubscribeAsync([($"{good}/#", MqttQos.AtLeastOnce)]);

            // Garbage before the TLS handshake.
            using (var raw = new TcpClient())
            {
                await raw.ConnectAsync("127.0.0.1", _gateway.Port);
                var stream = raw.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n\u0000\u0001garbage"));
                var buffer = new byte[256];
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                int n;
                try
                {
                    n = await stream.ReadAsync(buffer, cts.Token);
                }
                catch (IOException)
                {
                    n = 0;
                }

                Assert.True(n == 0 || buffer[0] == 0x15, "expected the connection closed or a TLS alert"); // 0x15: alert record
            }

            // No SNI (an IP literal sends none): refused, as AWS refuses.
            var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn with { Host = "127.0.0.1", InsecureSkipVerify = true }, new MqttClientOptions { ClientId = "x" }));
            Assert.Equal(FailureKind.TlsHandshake, e.Kind);

            // A WebSocket upgrade without the auth values is accepted (the v2 SDK's form); custom auth
            // then runs at CONNECT, and a CONNECT that carries no token is denied without a CONNACK.
            e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn with { Kind = TransportKind.SecureWebSocket, Alpn = null }, new MqttClientOptions { ClientId = good }));
            Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);

            // Auth values on the upgrade that the authorizer refuses: refused at the upgrade, as AWS does.
            e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn with { Kind = TransportKind.SecureWebSocket, Alpn = null, Headers = [new("x-amz-customauthorizer-name", "no-such-authorizer")] }, new MqttClientOptions { ClientId = good }));
            Assert.Equal(FailureKind.WebSocketUpgradeRefused, e.Kind);
            Assert.Equal(401, e.HttpStatus);

            // A token of 100 KB cannot fit an MQTT username (65535 bytes at most): our client refuses to write it.
            await Assert.ThrowsAsync<ArgumentException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = _fleet[1].Iccid, Username = new string('a', 100_000) }));

            // Over HTTPS a 100 KB token header is refused by the front door (431), as a real load balancer would.
            using (var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }))
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"https://localhost:{_gateway.Port}/topics/{good}/x?qos=0") { Content = new StringContent("x") };
                request.Headers.TryAddWithoutValidation("token", new string('a', 100_000));
                using var response = await http.SendAsync(request);
                Assert.Equal(431, (int)response.StatusCode);
            }

            // A 60 KB token in the MQTT username: refused as longer than 6144 characters, never parsed.
            var huge = new CustomAuthCredentials("1nce-authorizer", "token", new string('a', 60_000), null).ToUsername(good);
            e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = _fleet[1].Iccid, Username = huge }));
            Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
            Assert.True(_gateway.Counters.Denies.GetValueOrDefault(Simulator.Gateway.Auth.DenyReason.TokenTooLong) >= 1, string.Join(", ", _gateway.Counters.Denies) + string.Join("\n", _logs.Lines));

            // A wrong token: denied by the authorizer, logged without the token.
            var wrongToken = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXRoYXQtZG9lcy1ub3QtdmVyaWZ5";
            var wrong = new CustomAuthCredentials("1nce-authorizer", "token", wrongToken, null).ToUsername(_fleet[2].Iccid);
            e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = _fleet[2].Iccid, Username = wrong }));
            Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);

            // The bystander is still there and still served.
            Assert.True(bystander.IsConnected);
            await bystander.PublishAsync(Encoding.UTF8.GetBytes($"{good}/still"), "here"u8.ToArray(), MqttQos.AtLeastOnce);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.Equal("here", (await inbox.ReadAsync(wait.Token)).Payload);

            var log = string.Join('\n', _logs.Lines);
            Assert.Contains("custom auth denied", log, StringComparison.Ordinal);
            Assert.Contains("TokenTooLong", log, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongToken, log, StringComparison.Ordinal);
            Assert.DoesNotContain("aaaaaaaaaa", log, StringComparison.Ordinal);
        }
    }
}
