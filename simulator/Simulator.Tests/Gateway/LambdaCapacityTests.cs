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

/// <summary>
/// The authorizer's Lambda has a capacity: real devices connecting over TLS meet its concurrency
/// limit (throttled and denied), its cold starts (a latency step) and its timeout. The gateway runs
/// on a clock the test moves, so a function's duration is exactly what the test lets pass, however
/// slow the machine: an invocation in flight stays in flight until the clock moves.
/// </summary>
public sealed class LambdaCapacityTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private LocalGateway _gateway = null!;
    private Fleet _fleet = null!;

    public async Task InitializeAsync()
    {
        _fleet = FleetStore.Create(new FleetSpec { Seed = 41, Count = 8 }, _dir["fleet"]);
        _gateway = await LocalGateway.StartAsync(
            new GatewayOptions
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
                    new() { Name = "scaling", Type = "1nce", SigningDisabled = true, Lambda = new LambdaOptions { DurationP50Ms = 1500, DurationP99Ms = 1500, ScaleUpPer10Seconds = 2 } },
                    new() { Name = "pooled", Type = "1nce", SigningDisabled = true, Lambda = new LambdaOptions { DurationP50Ms = 1500, DurationP99Ms = 1500 } },
                ],
                // An account of 5 whose other functions hold 2: the unreserved authorizers above share 3.
                LambdaAccount = new LambdaAccountOptions { Concurrency = 5, OtherFunctionsConcurrency = 2 },
            },
            time: _time);
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
        return new MqttClientOptions { ClientId = root.GetProperty("clientId").GetString()!, Username = username, ConnectTimeout = TimeSpan.FromSeconds(30) };
    }

    private async Task<bool> ConnectAsync(MqttClientOptions options)
    {
        try
        {
            await using var c = await MqttClientConnection.ConnectAsync(Alpn, options);
            await c.DisconnectAsync();
            return true;
        }
        catch (ConnectionFailedException e) when (e.Kind == FailureKind.ClosedAfterConnect)
        {
            return false;
        }
    }

    /// <summary>Waits (in real time) until the function has <paramref name="inFlight"/> invocations in flight.</summary>
    private async Task AwaitInFlightAsync(string function, int inFlight) =>
        Assert.True(await Eventually.TrueAsync(() => Function(function).InFlight == inFlight, TimeSpan.FromSeconds(30)), $"{function}: {Function(function).InFlight} in flight, expected {inFlight}");

    /// <summary>
    /// Moves the clock on in 50 ms steps until every connect has its answer, and returns how far it
    /// moved: an invocation registers its timers a moment after it counts as in flight, so the
    /// clock is never moved by a guessed amount in one go.
    /// </summary>
    private async Task<double> MoveTheClockUntilAnsweredAsync(params Task<bool>[] connects)
    {
        var moved = 0.0;
        while (!connects.All(c => c.IsCompleted) && moved < 60_000)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            moved += 50;
            await Task.WhenAny(Task.WhenAll(connects), Task.Delay(20));
        }

        return moved;
    }

    /// <summary>A connect whose invocation is in flight: it is answered only once the clock has moved at least <paramref name="ms"/>.</summary>
    private async Task<bool> ConnectWhileTheClockMovesAsync(MqttClientOptions options, string function, double ms) => (await ConnectWhileTheClockMovesAndTellHowFarAsync(options, function, ms)).Connected;

    /// <summary>As <see cref="ConnectWhileTheClockMovesAsync"/>, with how far the clock moved (an invocation's recorded duration lies between <paramref name="ms"/> and that).</summary>
    private async Task<(bool Connected, double Moved)> ConnectWhileTheClockMovesAndTellHowFarAsync(MqttClientOptions options, string function, double ms)
    {
        var connect = ConnectAsync(options);
        await AwaitInFlightAsync(function, 1);
        var moved = await MoveTheClockUntilAnsweredAsync(connect);
        Assert.True(moved >= ms, $"{function} answered after {moved} ms of its clock, before its {ms} ms");
        return (await connect, moved);
    }

    [Fact]
    public async Task BeyondItsConcurrencyTheAuthorizerIsThrottledAndTheConnectDenied()
    {
        var devices = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => DeviceAsync(i, "busy")));
        var connects = devices.Select(ConnectAsync).ToArray();

        // Two invocations hold the function's two instances; the other three are throttled and denied
        // at once, however the five arrive: the first two are still running, the clock has not moved.
        Assert.True(await Eventually.TrueAsync(() => Function("busy").Throttles == 3, TimeSpan.FromSeconds(30)), $"{Function("busy").Throttles} throttled");
        await AwaitInFlightAsync("busy", 2);
        Assert.Equal(3, _gateway.Counters.Denies.GetValueOrDefault(DenyReason.AuthorizerThrottled));
        Assert.True(await Eventually.TrueAsync(() => connects.Count(c => c.IsCompleted) == 3, TimeSpan.FromSeconds(30)), "the throttled connects were not refused at once");

        var moved = await MoveTheClockUntilAnsweredAsync(connects); // the two run for their duration
        Assert.True(moved >= 1500, $"the two were answered after {moved} ms of their 1500");
        var results = await Task.WhenAll(connects);
        Assert.Equal(2, results.Count(r => r));
        Assert.Equal(0, Function("busy").InFlight);
        Assert.InRange(Function("busy").DurationPercentileMs(99), 1499, moved + 2); // its duration, then however far the clock moved before the answer was taken (and the histogram's resolution)
    }

    [Fact]
    public async Task NewInstancesComeAtLambdasScalingRateAndWarmOnesAreReused()
    {
        var devices = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => DeviceAsync(i, "scaling")));

        // Three at once with no instance yet: two new ones may start in these 10 s; the third is throttled.
        var first = devices.Select(ConnectAsync).ToArray();
        Assert.True(await Eventually.TrueAsync(() => Function("scaling").ScalingThrottles == 1, TimeSpan.FromSeconds(30)), $"{Function("scaling").ScalingThrottles} throttled by the scaling rate");
        await AwaitInFlightAsync("scaling", 2);
        await MoveTheClockUntilAnsweredAsync(first);
        Assert.Equal(2, (await Task.WhenAll(first)).Count(c => c));

        // Within the same 10 s: the two warm instances take two, the third would be a new one and is throttled again.
        var second = devices.Select(ConnectAsync).ToArray();
        Assert.True(await Eventually.TrueAsync(() => Function("scaling").ScalingThrottles == 2, TimeSpan.FromSeconds(30)), $"{Function("scaling").ScalingThrottles} throttled by the scaling rate");
        await AwaitInFlightAsync("scaling", 2);
        await MoveTheClockUntilAnsweredAsync(second);
        Assert.Equal(2, (await Task.WhenAll(second)).Count(c => c));
        Assert.Equal(2, Function("scaling").ColdStarts);

        // The next 10 s: one more instance starts, and all three are answered.
        _time.Advance(TimeSpan.FromSeconds(10));
        var third = devices.Select(ConnectAsync).ToArray();
        await AwaitInFlightAsync("scaling", 3);
        await MoveTheClockUntilAnsweredAsync(third);
        Assert.All(await Task.WhenAll(third), Assert.True);
        Assert.Equal(3, Function("scaling").ColdStarts);
        Assert.Equal(2, Function("scaling").Throttles);
        Assert.Equal(0, Function("scaling").AccountThrottles);
    }

    [Fact]
    public async Task AFunctionWithoutReservedConcurrencySharesTheAccountsPool()
    {
        // Account 5, other functions 2: three invocations at once, the other two throttled by the account.
        var devices = await Task.WhenAll(Enumerable.Range(3, 5).Select(i => DeviceAsync(i, "pooled")));
        var connects = devices.Select(ConnectAsync).ToArray();
        Assert.True(await Eventually.TrueAsync(() => Function("pooled").AccountThrottles == 2, TimeSpan.FromSeconds(30)), $"{Function("pooled").AccountThrottles} throttled by the account");
        await AwaitInFlightAsync("pooled", 3);
        await MoveTheClockUntilAnsweredAsync(connects);
        Assert.Equal(3, (await Task.WhenAll(connects)).Count(c => c));
        Assert.Equal(0, Function("pooled").ScalingThrottles);
        Assert.Equal(0, _gateway.Counters.LambdaAccount!.InUse); // every unit back
    }

    [Fact]
    public async Task ANewInstancePaysAColdStartAndAnIdleOneExpires()
    {
        var device = await DeviceAsync(5, "cold");
        Assert.True(await ConnectWhileTheClockMovesAsync(device, "cold", 800)); // a new instance: 800 ms of cold start
        Assert.True(await ConnectAsync(device).WaitAsync(TimeSpan.FromSeconds(30))); // warm: answered with the clock standing still
        Assert.Equal(1, Function("cold").ColdStarts);
        Assert.Equal(1, Function("cold").Instances);

        _time.Advance(TimeSpan.FromSeconds(2.5)); // longer than idleExpirySeconds: the instance is gone
        Assert.Equal(0, Function("cold").Instances);
        Assert.True(await ConnectWhileTheClockMovesAsync(device, "cold", 800));
        Assert.Equal(2, Function("cold").ColdStarts);
    }

    [Fact]
    public async Task AnInvocationPastItsTimeoutDeniesTheConnect()
    {
        var device = await DeviceAsync(6, "slow");
        Assert.False(await ConnectWhileTheClockMovesAsync(device, "slow", 300)); // its 3 s duration is cut at the 300 ms timeout
        Assert.Equal(1, Function("slow").Timeouts);
        Assert.Equal(1, _gateway.Counters.Denies.GetValueOrDefault(DenyReason.AuthorizerTimeout));
    }

    [Fact]
    public async Task TheCountersAreServed()
    {
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        // One connect through the cold authorizer: one invocation, one cold start, 800 ms of it.
        var (connected, moved) = await ConnectWhileTheClockMovesAndTellHowFarAsync(await DeviceAsync(7, "cold"), "cold", 800);
        Assert.True(connected);
        var json = await http.GetStringAsync($"https://localhost:{_gateway.Port}/gateway/counters");
        var authorizers = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("authorizers");
        var cold = authorizers.GetProperty("cold");
        Assert.Equal(1, cold.GetProperty("invocations").GetInt64());
        Assert.Equal(1, cold.GetProperty("coldStarts").GetInt64());
        Assert.Equal(0, cold.GetProperty("throttles").GetInt64());
        Assert.InRange(cold.GetProperty("durationP99Ms").GetDouble(), 799, moved + 2); // the cold start, then however far the clock moved before the answer was taken
        Assert.Equal(0, authorizers.GetProperty("busy").GetProperty("invocations").GetInt64());
    }
}
