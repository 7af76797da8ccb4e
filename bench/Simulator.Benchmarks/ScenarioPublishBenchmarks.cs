using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Simulator.Core.Identity;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Load.Scenarios;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Payloads;
using Simulator.Core.Scenarios;
using Simulator.Core.Tokens;
using Simulator.Core.Transport;

namespace Simulator.Benchmarks;

/// <summary>
/// One QoS 1 publish to PUBACK, the message coming back on the publisher's own subscription, over
/// TCP to a mosquitto this benchmark starts on loopback: through the scenario API
/// (<see cref="DeviceSession.PublishNextMessageAsync"/>: the payload model's render, the
/// fingerprint kept for the message back, the run's counters and histograms) against the MQTT
/// client's own publish of a fixed body, the floor the API is built on.
/// </summary>
[MemoryDiagnoser]
public class ScenarioPublishBenchmarks
{
    private Process? _mosquitto;
    private DelayScheduler? _scheduler;
    private MqttClientConnection? _raw;
    private DeviceSession? _session;
    private byte[] _rawTopic = [];
    private string _topic = "";
    private readonly byte[] _body = new byte[300]; // the telemetry JSON's size

    [GlobalSetup]
    public async Task SetUp()
    {
        var port = FreePort();
        _mosquitto = Process.Start(new ProcessStartInfo("mosquitto", ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("mosquitto did not start");
        await WaitOpenAsync(port).ConfigureAwait(false);

        var transport = new TransportOptions { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = port };
        _raw = await MqttClientConnection.ConnectAsync(transport, new MqttClientOptions { ClientId = "bench-raw", KeepAliveSeconds = 0 }).ConfigureAwait(false);
        _rawTopic = "bench/raw"u8.ToArray();
        await _raw.SubscribeAsync([("bench/raw", MqttQos.AtLeastOnce)]).ConfigureAwait(false);

        // One device of the engine, as a run makes it, its scenario context on the API.
        var fleet = Fleet.Generate(new FleetSpec { Seed = 5UL, Count = 1 });
        var metrics = new RunMetrics();
        _scheduler = new DelayScheduler();
        var device = new DeviceSettings(KeepAliveSeconds: 0, Topic: "bench/{id}/telemetry");
        var options = new DeviceTransportOptions
        {
            Kind = DeviceTransportKind.MqttTcp, Subprotocol = "mqtt", Credentials = CredentialsMode.Headers, SourceAddresses = [],
            ConnectTimeoutSeconds = 10, TlsResume = false, Tls = TlsProvider.SslStream, ResolvedTls = TlsProvider.SslStream,
        };
        var tokens = new DeviceJwtTokenSource(fleet, new DeviceTokenOptions(), "authorizer", "token", 60);
        var connector = new MqttConnector(device, options, new DeviceEndpoint { Host = "127.0.0.1", Port = port }, tokens, metrics);
        var supervisor = new DeviceSupervisor(metrics, new IdentityPool([fleet[0]]), _ => throw new InvalidOperationException("not started by the supervisor"));
        var d = new ScenarioDevice(fleet[0], new DeviceLifecycle(supervisor, fleet[0], 0, 1), PayloadFormat.Telemetry);
        var host = new CodeScenarioAttempt(connector, _scheduler, metrics, new DropNamer(metrics, null), null, d);
        _topic = $"bench/{fleet[0].DeviceId}/telemetry";
        var context = new DeviceContext("bench", new DeviceInfo(0, fleet[0].DeviceId, fleet[0].Iccid, fleet[0].Imei) { Topic = _topic }, host, CancellationToken.None);
        d.Topic = System.Text.Encoding.UTF8.GetBytes(_topic);
        _session = await context.ConnectAsync().ConfigureAwait(false);
        await _session.SubscribeAsync(_topic).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public async Task TearDown()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }

        if (_raw is not null)
        {
            await _raw.DisposeAsync().ConfigureAwait(false);
        }

        _scheduler?.Dispose();
        _mosquitto?.Kill();
        _mosquitto?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask ClientPublish() => _raw!.PublishAsync(_rawTopic, _body, MqttQos.AtLeastOnce);

    [Benchmark]
    public ValueTask ScenarioApiPublishNextMessage() => _session!.PublishNextMessageAsync(_topic);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task WaitOpenAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"mosquitto did not open port {port}");
    }
}
