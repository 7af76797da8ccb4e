using System.Net;
using Microsoft.Extensions.Time.Testing;
using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>Injected faults and AWS's default quotas, each on its own gateway.</summary>
public sealed class GatewayFaultAndQuotaTests
{
    /// <param name="time">The gateway's clock: a <see cref="FakeTimeProvider"/> holds its rates still until the test moves it.</param>
    private static async Task<(LocalGateway Gateway, Fleet Fleet, TempDir Dir)> StartAsync(FaultOptions faults, QuotaOptions? quotas = null, TimeProvider? time = null)
    {
        var dir = new TempDir();
        var fleet = FleetStore.Create(new FleetSpec { Seed = 8, Count = 2 }, dir["fleet"]);
        var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = dir["data"], FleetDirectory = dir["fleet"], Faults = faults, Quotas = quotas ?? new QuotaOptions() }, time: time);
        return (gateway, fleet, dir);
    }

    private static HttpClient Http(LocalGateway g, string iccid)
    {
        var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = new Uri($"https://localhost:{g.Port}") };
        http.DefaultRequestHeaders.Add("X-Sim-Iccid", iccid);
        return http;
    }

    [Fact]
    public async Task AnOnboardingStormAnswers503WithTheErrorShape()
    {
        var (g, fleet, dir) = await StartAsync(new FaultOptions { OnboardingErrorRate = 1.0 });
        await using (g)
        using (dir)
        using (var http = Http(g, fleet[0].Iccid))
        {
            using var response = await http.GetAsync("/device-api/onboarding/mqtt/tokens");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("\"statusText\":\"Service Unavailable\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AFailingAuthorizerDeniesAndIsCountedAsAFailureNotADenial()
    {
        var (g, fleet, dir) = await StartAsync(new FaultOptions { AuthorizerFailureRate = 1.0, AuthorizerLatencyMs = 50 });
        await using (g)
        using (dir)
        using (var http = Http(g, fleet[0].Iccid))
        {
            var json = await http.GetStringAsync("/device-api/onboarding/mqtt/tokens");
            var username = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("username").GetString()!;
            var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(
                new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = g.Port, CaFile = g.CaFile, Alpn = ["mqtt"] },
                new MqttClientOptions { ClientId = fleet[0].Iccid, Username = username }));
            Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
            Assert.Equal(1, g.Counters.Denies[DenyReason.AuthorizerFailed]);
            Assert.True(g.Counters.MeanAuthorizerMs >= 45, $"injected latency not seen: {g.Counters.MeanAuthorizerMs} ms");
        }
    }

    private static async Task<(LocalGateway Gateway, Fleet Fleet, TempDir Dir)> StartWithAuthorizerAsync(FaultOptions faults, LambdaOptions? lambda)
    {
        var dir = new TempDir();
        var fleet = FleetStore.Create(new FleetSpec { Seed = 8, Count = 2 }, dir["fleet"]);
        var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = dir["data"],
            FleetDirectory = dir["fleet"],
            Faults = faults,
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers = [new() { Name = "1nce-authorizer", Type = "1nce", SigningDisabled = true, Lambda = lambda }],
        });
        return (gateway, fleet, dir);
    }

    [Fact]
    public async Task InjectedLatencyHoldsTheFunctionsConcurrencyAndRunsIntoItsTimeout()
    {
        // One instance, a 2 s timeout, a 1 s slowdown: a second connect while the first is in the
        // function is throttled, and past the timeout the connect is denied, not slow. The second
        // starts once the first is seen in the function, not after a guessed delay (CI is loaded).
        var (g, fleet, dir) = await StartWithAuthorizerAsync(new FaultOptions { AuthorizerLatencyMs = 1000 }, new LambdaOptions { Concurrency = 1, TimeoutMs = 2000 });
        await using (g)
        using (dir)
        {
            var (t0, o0) = await DeviceAsync(g, fleet, 0);
            var (t1, o1) = await DeviceAsync(g, fleet, 1);
            var first = MqttClientConnection.ConnectAsync(t0, o0);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (g.Counters.Functions[0].InFlight == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            Assert.Equal(1, g.Counters.Functions[0].InFlight);
            var second = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(t1, o1));
            Assert.Equal(FailureKind.ClosedAfterConnect, second.Kind);
            await using (await first)
            {
                Assert.Equal(1, g.Counters.Denies[DenyReason.AuthorizerThrottled]);
            }

            g.Faults.Current = new FaultOptions { AuthorizerLatencyMs = 3000 };
            var timedOut = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(t1, o1));
            Assert.Equal(FailureKind.ClosedAfterConnect, timedOut.Kind);
            Assert.Equal(1, g.Counters.Denies[DenyReason.AuthorizerTimeout]);
        }
    }

    [Fact]
    public async Task WithoutALambdaModelInjectedLatencyStillRunsIntoAwsFiveSeconds()
    {
        var (g, fleet, dir) = await StartWithAuthorizerAsync(new FaultOptions { AuthorizerLatencyMs = 8000 }, lambda: null);
        await using (g)
        using (dir)
        {
            var (t, o) = await DeviceAsync(g, fleet, 0);
            var took = System.Diagnostics.Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(t, o with { ConnectTimeout = TimeSpan.FromSeconds(20) }));
            Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
            Assert.Equal(1, g.Counters.Denies[DenyReason.AuthorizerTimeout]);
            Assert.InRange(took.Elapsed.TotalSeconds, 4.5, 7.5);
        }
    }

    [Fact]
    public async Task TheDefaultQuotaAllowsOneConnectPerSecondPerClientId()
    {
        // The gateway's clock stands still: the second connect comes within the client id's second however slow the machine.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (g, fleet, dir) = await StartAsync(new FaultOptions(), time: time);
        await using (g)
        using (dir)
        using (var http = Http(g, fleet[1].Iccid))
        {
            var json = await http.GetStringAsync("/device-api/onboarding/mqtt/tokens");
            var username = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("username").GetString()!;
            var transport = new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = g.Port, CaFile = g.CaFile, Alpn = ["mqtt"] };
            var options = new MqttClientOptions { ClientId = fleet[1].Iccid, Username = username };
            await using var first = await MqttClientConnection.ConnectAsync(transport, options);
            var calls = g.Counters.AuthorizerCalls;
            var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(transport, options));
            Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
            Assert.Equal(1, g.Counters.Denies[DenyReason.Throttled]);
            Assert.Equal(1, g.Counters.Throttles["Connect.ClientIDThrottle"]);
            Assert.Equal(calls, g.Counters.AuthorizerCalls); // throttled at the front door: the authorizer was not invoked
            time.Advance(TimeSpan.FromMilliseconds(999));
            await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(transport, options)); // not a second yet
            time.Advance(TimeSpan.FromMilliseconds(1));
            await using var third = await MqttClientConnection.ConnectAsync(transport, options);
            Assert.True(third.IsConnected);
        }
    }

    private static async Task<(TransportOptions Transport, MqttClientOptions Options)> DeviceAsync(LocalGateway g, Fleet fleet, int i)
    {
        using var http = Http(g, fleet[i].Iccid);
        var json = await http.GetStringAsync("/device-api/onboarding/mqtt/tokens");
        var username = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("username").GetString()!;
        return (new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = g.Port, CaFile = g.CaFile, Alpn = ["mqtt"] }, new MqttClientOptions { ClientId = fleet[i].Iccid, Username = username });
    }

    [Fact]
    public async Task WithTheOptionOnAThrottledConnectStillInvokesTheAuthorizer()
    {
        var (g, fleet, dir) = await StartAsync(new FaultOptions(), new QuotaOptions { ThrottledConnectsInvokeAuthorizer = true }, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using (g)
        using (dir)
        {
            var (transport, options) = await DeviceAsync(g, fleet, 0);
            await using var first = await MqttClientConnection.ConnectAsync(transport, options);
            var calls = g.Counters.AuthorizerCalls;
            await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(transport, options));
            Assert.Equal(calls + 1, g.Counters.AuthorizerCalls);
            Assert.Equal(1, g.Counters.Throttles["Connect.ClientIDThrottle"]);
        }
    }

    [Fact]
    public async Task MoreThanFiftySubscriptionsCloseTheConnection()
    {
        var (g, fleet, dir) = await StartAsync(new FaultOptions());
        await using (g)
        using (dir)
        {
            var (transport, options) = await DeviceAsync(g, fleet, 0);
            await using var c = await MqttClientConnection.ConnectAsync(transport, options);
            for (var batch = 0; batch < 50; batch += 5)
            {
                var codes = await c.SubscribeAsync([.. Enumerable.Range(batch, 5).Select(k => ($"{fleet[0].Iccid}/s{k}", Simulator.Core.Mqtt.MqttQos.AtMostOnce))]);
                Assert.All(codes, code => Assert.NotEqual(0x80, code));
            }

            var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => c.SubscribeAsync([($"{fleet[0].Iccid}/s50", Simulator.Core.Mqtt.MqttQos.AtMostOnce)]));
            Assert.Equal(FailureKind.ClosedAfterSubscribe, e.Kind);
            Assert.True(await Eventually.TrueAsync(() => g.Counters.DisconnectReasons.GetValueOrDefault("CLIENT_ERROR") == 1, TimeSpan.FromSeconds(5)), string.Join(", ", g.Counters.DisconnectReasons));
        }
    }

    [Fact]
    public async Task OutboundMessagesCountTowardTheConnectionsHundredPerSecond()
    {
        // The clock stands still: the connection's 100 tokens are all it gets, however long the loop takes.
        var (g, fleet, dir) = await StartAsync(new FaultOptions(), time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using (g)
        using (dir)
        {
            var (transport, options) = await DeviceAsync(g, fleet, 0);
            await using var c = await MqttClientConnection.ConnectAsync(transport, options);
            var received = 0;
            c.MessageReceived = (in Simulator.Core.Mqtt.PublishPacket _) => Interlocked.Increment(ref received);
            var topic = $"{fleet[0].Iccid}/loop";
            await c.SubscribeAsync([(topic, Simulator.Core.Mqtt.MqttQos.AtMostOnce)]);

            // 80 in and 80 back out within one second of the gateway's: 160 against a budget of 100.
            for (var k = 0; k < 80; k++)
            {
                await c.PublishAsync(System.Text.Encoding.UTF8.GetBytes(topic), "x"u8.ToArray(), Simulator.Core.Mqtt.MqttQos.AtMostOnce);
            }

            // Each message in and its copy out take one of the 100 tokens: 50 go round, the other 30
            // are discarded on the way in. Were outbound messages free, all 80 (under 100) would come back.
            int Discarded() => (int)(g.Counters.Throttles.GetValueOrDefault("PublishIn.Throttle") + g.Counters.Throttles.GetValueOrDefault("PublishOut.Throttle"));
            Assert.True(await Eventually.TrueAsync(() => Volatile.Read(ref received) + Discarded() >= 80, TimeSpan.FromSeconds(10)), $"received {received}, throttled {Discarded()} of 80; published {g.Counters.Published}, delivered {g.Counters.Delivered}, throttles {string.Join(",", g.Counters.Throttles)}, denies {string.Join(",", g.Counters.Denies)}");
            await Task.Delay(200); // nothing more comes
            Assert.Equal(50, Volatile.Read(ref received));
            Assert.Equal(30, Discarded());
        }
    }

    /// <summary>A silent MQTT 5 client is told Keep Alive timeout (0x8D) before the close; the lifecycle reason is the same as on 3.1.1.</summary>
    [Fact]
    public async Task ASilentMqtt5ClientHearsKeepAliveTimeoutBeforeTheClose()
    {
        var (g, fleet, dir) = await StartAsync(new FaultOptions(), new QuotaOptions { ClampKeepAlive = false });
        await using (g)
        using (dir)
        using (var http = Http(g, fleet[0].Iccid))
        {
            var json = await http.GetStringAsync("/device-api/onboarding/mqtt/tokens");
            var username = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("username").GetString()!;
            await using var raw = await TransportConnector.ConnectAsync(new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = g.Port, CaFile = g.CaFile, Alpn = ["mqtt"] }, new ConnectTimings(), CancellationToken.None);
            var connect = new System.Buffers.ArrayBufferWriter<byte>();
            new Simulator.Core.Mqtt.ConnectPacket { ClientId = fleet[0].Iccid, Username = username, KeepAliveSeconds = 1, ProtocolLevel = 5 }.Write(connect);
            await raw.WriteAsync(connect.WrittenMemory);

            // Then silence: no PINGREQ. Everything the gateway sends until it closes.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var got = new MemoryStream();
            var buffer = new byte[1024];
            int n;
            while ((n = await raw.ReadAsync(buffer, cts.Token)) > 0)
            {
                got.Write(buffer, 0, n);
            }

            var bytes = got.ToArray();
            var disconnectAt = 2 + bytes[1];
            Assert.Equal(0x20, bytes[0]);
            Assert.Equal(0xE0, bytes[disconnectAt]);
            Assert.Equal(0x8D, bytes[disconnectAt + 2]);
            Assert.True(await Eventually.TrueAsync(() => g.Counters.DisconnectReasons.GetValueOrDefault("MQTT_KEEP_ALIVE_TIMEOUT") == 1, TimeSpan.FromSeconds(5)));
        }
    }

    /// <summary>
    /// A TLS handshake slower than the gateway's handshake timeout: under TLS 1.3 the device has sent
    /// its CONNECT by the time the server gives up, so it sees a close after CONNECT. With the
    /// default timeout the same slow link connects.
    /// </summary>
    [Fact]
    public async Task ASlowHandshakeIsCutOnlyPastTheHandshakeTimeout()
    {
        foreach (var (timeout, expectConnected) in new[] { (1, false), (30, true) })
        {
            using var dir = new TempDir();
            var fleet = FleetStore.Create(new FleetSpec { Seed = 8, Count = 1 }, dir["fleet"]);
            await using var g = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = dir["data"], FleetDirectory = dir["fleet"], TlsHandshakeTimeoutSeconds = timeout });
            using var http = Http(g, fleet[0].Iccid);
            var json = await http.GetStringAsync("/device-api/onboarding/mqtt/tokens");
            var username = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("username").GetString()!;

            // 400 ms each way: the handshake's two round trips take 1.6 s.
            await using var proxy = new DelayingProxy(new IPEndPoint(IPAddress.Loopback, g.Port), TimeSpan.FromMilliseconds(400));
            var transport = new TransportOptions { Kind = TransportKind.Tls, Host = "127.0.0.1", ServerName = "localhost", Port = proxy.Port, CaFile = g.CaFile, Alpn = ["mqtt"] };
            var options = new MqttClientOptions { ClientId = fleet[0].Iccid, Username = username, ConnectTimeout = TimeSpan.FromSeconds(20) };
            if (expectConnected)
            {
                await using var client = await MqttClientConnection.ConnectAsync(transport, options);
                Assert.True(client.IsConnected);
            }
            else
            {
                var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(transport, options));
                Assert.True(e.Kind is FailureKind.ClosedAfterConnect or FailureKind.TlsHandshake, e.Message);
            }
        }
    }
}
