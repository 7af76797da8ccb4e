using System.Diagnostics;
using Simulator.Core.Identity;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Load.Scenarios;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Tokens;
using Simulator.Core.Transport;
using Simulator.Tests.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Scenarios;

/// <summary>
/// The built-in telemetry, written on the public scenario API, keeps the engine's promise: a device
/// that publishes its payload model's messages and gets each back on its own subscription
/// allocates nothing per message (the wait, the render, the PUBLISH, the PUBACK, the message back
/// and its latency). Real sockets to mosquitto; no other test runs meanwhile.
/// </summary>
[Collection(nameof(AllocationCollection))]
public sealed class TelemetryAllocationTests : IClassFixture<Mosquitto>
{
    private readonly Mosquitto _broker;

    public TelemetryAllocationTests(Mosquitto broker) => _broker = broker;

    [Theory]
    [InlineData(MqttVersion.V311)]
    [InlineData(MqttVersion.V500)]
    public async Task APublishAndItsMessageBackAllocateNothing(MqttVersion version)
    {
        var fleet = Fleet.Generate(new FleetSpec { Seed = 31UL + (ulong)version, Count = 2 });
        var metrics = new RunMetrics();
        using var scheduler = new DelayScheduler();

        // No wait between publishes: the device publishes as fast as its PUBACKs come.
        var device = new DeviceSettings(PublishIntervalSeconds: 0, Jitter: 0, MqttVersion: version, Topic: $"alloc-api/{version}/{{id}}/telemetry");
        var transport = new DeviceTransportOptions
        {
            Kind = DeviceTransportKind.MqttTcp, Subprotocol = "mqtt", Credentials = CredentialsMode.Headers, SourceAddresses = [],
            ConnectTimeoutSeconds = 10, TlsResume = false, Tls = TlsProvider.SslStream, ResolvedTls = TlsProvider.SslStream,
        };
        var endpoint = new DeviceEndpoint { Host = "127.0.0.1", Port = _broker.TcpPort };
        var tokens = new DeviceJwtTokenSource(fleet, new DeviceTokenOptions(), "authorizer", "token", 60);
        var scenario = new CodeScenario(TelemetryFirmware.Create(device, commands: null), new MqttConnector(device, transport, endpoint, tokens, metrics), scheduler, metrics, new DropNamer(metrics, null), TopicTemplate.Parse(device.Topic));
        var supervisor = new DeviceSupervisor(metrics, new IdentityPool([fleet[0]]), identity => new VirtualDevice(identity, scenario, device.Reconnect.Resolve(), scheduler, metrics));
        Assert.True(supervisor.TryStart(Stopwatch.GetTimestamp()));
        try
        {
            async Task<(long Messages, long Bytes)> Window(TimeSpan length)
            {
                var (published, bytes) = (metrics.Publishes, GC.GetTotalAllocatedBytes(precise: true));
                await Task.Delay(length);
                return (metrics.Publishes - published, GC.GetTotalAllocatedBytes(precise: true) - bytes);
            }

            Assert.True(await Eventually.TrueAsync(() => metrics.Received >= 20_000, TimeSpan.FromSeconds(60)), $"the device's messages did not come back: {metrics.Publishes} published, {metrics.Received} back");

            // Process-wide counts: the best of five windows is the device's steady state (an
            // allocation on its path shows in every window, a stray one from elsewhere does not).
            using var sampler = new AllocationSampler();
            var best = double.MaxValue;
            var windows = new List<string>();
            for (var i = 0; i < 5 && best > 0; i++)
            {
                var (n, bytes) = await Window(TimeSpan.FromSeconds(1));
                Assert.True(n > 500, $"only {n} messages in a second");
                windows.Add($"{bytes} B / {n}");
                best = Math.Min(best, bytes / (double)n);
            }

            Assert.True(best < 1.0, $"{best:F2} bytes allocated per publish and its message back (windows: {string.Join(", ", windows)}); sampled: {sampler.Top()}");
            Assert.True(metrics.Received > 0 && Math.Abs(metrics.Publishes - metrics.Received) < 100, $"{metrics.Publishes} published, {metrics.Received} back");
        }
        finally
        {
            await supervisor.StopAllAsync(TimeSpan.FromSeconds(5));
        }
    }
}
