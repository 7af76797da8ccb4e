using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// The authorizer's Lambda has a capacity: real devices connecting over TLS meet its concurrency
/// limit (throttled and denied), its cold starts (a latency step) and its timeout.
/// </summary>
public sealed class LambdaCapacityTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private LocalGateway _gateway = null!;
    private Fleet _fleet = null!;

    public async Task InitializeAsync()
    {
        _fleet = FleetStore.Create(new FleetSpec { Seed = 41, Count = 8 }, _dir["fleet"]);
        _gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = _dir["data"],
            FleetDirectory = _dir["fleet"],
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers =
            [
                new() { Name = "1nce-authorizer", Type = "1nce", SigningDisabled = true },
                new() { Name = "busy", Type = "1nce", SigningDisabled = true, Lambda = new LambdaOptions { Concurrency = 2, DurationP50Ms = 1500, DurationP99Ms = 1500 } },
                new() { Name = "cold", Type = "1nce", SigningDisabled = true, Lambda = new LambdaOptions { ColdStartMs = 800, IdleExpirySeconds = 2 } },
                new() { Name = "slow", Type = "1nce", SigningDisabled = true, Lambda = new LambdaOptions { DurationP50Ms = 3000, TimeoutMs = 300 } },
            ],
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _dir.Dispose();
    }

    private TransportOptions Alpn => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _gateway.Port, CaFile = _gateway.CaFile, Alpn = ["mqtt"] };

    private LambdaFunction Function(string name) => _gateway.Counters.Functions.Single(f => f.Name == name);

    /// <summary>Onboards the SIM, then names another authorizer in the username the onboarding API gave.</summary>
    private async Task<MqttClientOptions> DeviceAsync(int device, string authorizer)
    {
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        http.DefaultRequestHeaders.Add("X-Sim-Iccid", _fleet[device].Iccid);
        var json = await http.GetStringAsync($"https://localhost:{_gateway.Port}/device-api/onboarding/mqtt/tokens");
        var root = System.Text.Json.JsonDocument.Parse(json).RootElement;
        var username = root.GetProperty("username").GetString()!.Replace("x-amz-customauthorizer-name=1nce-authorizer", $"x-amz-customauthorizer-name={authorizer}", StringComparison.Ordinal);
        return new MqttClientOptions { ClientId = root.GetProperty("clientId").GetString()!, Username = username, ConnectTimeout = TimeSpan.FromSeconds(10) };
    }

    private async Task<(bool Connected, double ConnAckMs)> ConnectAsync(MqttClientOptions options)
    {
        try
        {
            await using var c = await MqttClientConnection.ConnectAsync(Alpn, options);
            var ms = c.Timings.ConnAckMs;
            await c.DisconnectAsync();
            return (true, ms);
        }
        catch (ConnectionFailedException e) when (e.Kind == FailureKind.ClosedAfterConnect)
        {
            return (false, 0);
        }
    }

    [Fact]
    public async Task BeyondItsConcurrencyTheAuthorizerIsThrottledAndTheConnectDenied()
    {
        var devices = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => DeviceAsync(i, "busy")));
        var results = await Task.WhenAll(devices.Select(ConnectAsync));
        Assert.Equal(2, results.Count(r => r.Connected));
        Assert.All(results.Where(r => r.Connected), r => Assert.True(r.ConnAckMs >= 1400, $"CONNACK after {r.ConnAckMs} ms"));
        Assert.Equal(3, Function("busy").Throttles);
        Assert.Equal(3, _gateway.Counters.Denies.GetValueOrDefault(DenyReason.AuthorizerThrottled));
        Assert.Equal(0, Function("busy").InFlight);
    }

    [Fact]
    public async Task ANewInstancePaysAColdStartAndAnIdleOneExpires()
    {
        var device = await DeviceAsync(5, "cold");
        var first = await ConnectAsync(device);
        var warm = await ConnectAsync(device);
        Assert.True(first.Connected && warm.Connected);
        Assert.True(first.ConnAckMs >= 750, $"cold CONNACK after {first.ConnAckMs} ms");
        Assert.True(warm.ConnAckMs < 600, $"warm CONNACK after {warm.ConnAckMs} ms");
        Assert.Equal(1, Function("cold").ColdStarts);

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // longer than idleExpirySeconds: the instance is gone
        Assert.Equal(0, Function("cold").Instances);
        var again = await ConnectAsync(device);
        Assert.True(again.ConnAckMs >= 750, $"CONNACK after expiry {again.ConnAckMs} ms");
        Assert.Equal(2, Function("cold").ColdStarts);
    }

    [Fact]
    public async Task AnInvocationPastItsTimeoutDeniesTheConnect()
    {
        var device = await DeviceAsync(6, "slow");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = await ConnectAsync(device);
        Assert.False(r.Connected);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2.5), $"denied after {sw.Elapsed}, not at the 300 ms timeout");
        Assert.Equal(1, Function("slow").Timeouts);
        Assert.Equal(1, _gateway.Counters.Denies.GetValueOrDefault(DenyReason.AuthorizerTimeout));
    }

    [Fact]
    public async Task TheCountersAreServed()
    {
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        // One connect through the cold authorizer: one invocation, one cold start, 800 ms of it.
        Assert.True((await ConnectAsync(await DeviceAsync(7, "cold"))).Connected);
        var json = await http.GetStringAsync($"https://localhost:{_gateway.Port}/gateway/counters");
        var authorizers = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("authorizers");
        var cold = authorizers.GetProperty("cold");
        Assert.Equal(1, cold.GetProperty("invocations").GetInt64());
        Assert.Equal(1, cold.GetProperty("coldStarts").GetInt64());
        Assert.Equal(0, cold.GetProperty("throttles").GetInt64());
        Assert.InRange(cold.GetProperty("durationP99Ms").GetDouble(), 750, 5000);
        Assert.Equal(0, authorizers.GetProperty("busy").GetProperty("invocations").GetInt64());
    }
}
