using System.Buffers;
using System.Diagnostics;
using System.Text;
using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;

namespace Simulator.Core.Load;

/// <summary>
/// One virtual nRF9160's life as a state machine: get a token (cached, refreshed before expiry),
/// connect, subscribe, publish on its ICCID topic, and on loss (or disconnectAfterInSeconds)
/// reconnect with exponential backoff and full jitter, giving up after the configured attempts.
/// Every attempt is counted as a success or a named failure.
/// </summary>
public sealed partial class VirtualDevice
{
    private readonly LoadContext _ctx;
    private readonly DeviceIdentity _identity;
    private readonly TelemetryPayload _payload;
    private readonly long[] _sentAt = new long[64];
    private DeviceState _state = DeviceState.Connecting;
    private long _sequence;

    public VirtualDevice(LoadContext ctx, DeviceIdentity identity)
    {
        _ctx = ctx;
        _identity = identity;
        _payload = new TelemetryPayload(identity.Imei, identity.Index);
    }

    public DeviceIdentity Identity => _identity;

    /// <summary>Runs until <paramref name="stop"/> or until the device gives up. Never throws.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        _ctx.Gauges.Enter(DeviceState.Connecting);
        var failures = 0;
        var reconnect = _ctx.Profile.Device.Reconnect;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                Move(DeviceState.Connecting);
                string? failure;
                try
                {
                    failure = _ctx.Profile.Device.Scenario == "nrfcloud-location"
                        ? await RunLocationAsync(stop).ConfigureAwait(false)
                        : _ctx.Profile.Transport.Kind == "https-publish"
                            ? await RunHttpsAsync(stop).ConfigureAwait(false)
                            : await RunMqttAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                if (failure is null)
                {
                    failures = 0; // a session ended as planned (session length): reconnect at once
                    continue;
                }

                if (failure == Connected)
                {
                    failures = 0;
                }
                else if (++failures >= reconnect.MaxAttempts)
                {
                    Move(DeviceState.GivenUp);
                    await WaitForStopAsync(stop).ConfigureAwait(false);
                    return;
                }

                Move(DeviceState.BackingOff);
                try
                {
                    await _ctx.Scheduler.Delay(Backoff.FullJitter(Math.Max(failures, 1), reconnect.BaseMilliseconds, reconnect.MaxMilliseconds, Random.Shared), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            _ctx.Gauges.Leave(_state);
        }
    }

    /// <summary>Returned by a session that was connected and then lost: reconnect after a short backoff, failures reset.</summary>
    private const string Connected = "<connected>";

    private async Task<string?> RunMqttAsync(CancellationToken stop)
    {
        var device = _ctx.Profile.Device;
        var clientId = _ctx.Tokens.ClientIdOf(_identity);
        MqttClientConnection connection;
        try
        {
            var (transport, options) = await BuildAsync(clientId, stop).ConfigureAwait(false);
            connection = await MqttClientConnection.ConnectAsync(transport, options, stop).ConfigureAwait(false);
        }
        catch (AttemptFailedException e)
        {
            _ctx.Metrics.AttemptFailed(e.FailureClass);
            return e.FailureClass;
        }
        catch (ConnectionFailedException e)
        {
            _ctx.Metrics.AttemptFailed(e.Kind.ToString());
            return e.Kind.ToString();
        }

        await using (connection)
        {
            var t = connection.Timings;
            _ctx.Metrics.Record(Phase.Dns, t.DnsMs);
            _ctx.Metrics.Record(Phase.Tcp, t.TcpMs);
            _ctx.Metrics.Record(Phase.Tls, t.TlsMs);
            _ctx.Metrics.Record(Phase.WebSocket, t.WebSocketMs);
            _ctx.Metrics.Record(Phase.ConnAck, t.ConnAckMs);
            _ctx.Metrics.ConnectSucceeded(t.TotalMs);
            Move(DeviceState.Connected);

            var topic = Encoding.UTF8.GetBytes(device.Topic.Replace("{id}", clientId, StringComparison.Ordinal));
            var qos = (MqttQos)device.Qos;
            connection.MessageReceived = OnMessage;
            try
            {
                if (device.Subscribe)
                {
                    var codes = await connection.SubscribeAsync([(Encoding.UTF8.GetString(topic), qos)]).ConfigureAwait(false);
                    if (codes.Contains(SubAckPacket.Failure))
                    {
                        _ctx.Metrics.SessionDropped("SubscribeRefused");
                        return Connected;
                    }
                }

                var sessionEnd = device.SessionSeconds > 0 ? Stopwatch.GetTimestamp() + (long)(device.SessionSeconds * Stopwatch.Frequency) : long.MaxValue;
                var first = true;
                while (true)
                {
                    var interval = device.PublishIntervalSeconds * (first ? Random.Shared.NextDouble() : 1 + (device.Jitter * ((Random.Shared.NextDouble() * 2) - 1)));
                    first = false;
                    var wait = _ctx.Scheduler.Delay(TimeSpan.FromSeconds(interval), stop);
                    await Task.WhenAny(wait, connection.Completion).ConfigureAwait(false);
                    if (stop.IsCancellationRequested)
                    {
                        await connection.DisconnectAsync().ConfigureAwait(false);
                        throw new OperationCanceledException(stop);
                    }

                    if (connection.Completion.IsCompleted)
                    {
                        var reason = await connection.Completion.ConfigureAwait(false);
                        _ctx.Metrics.SessionDropped(reason?.Kind.ToString() ?? "Closed");
                        return Connected;
                    }

                    if (Stopwatch.GetTimestamp() >= sessionEnd)
                    {
                        await connection.DisconnectAsync().ConfigureAwait(false);
                        return null;
                    }

                    var seq = ++_sequence;
                    var payload = _payload.Write(seq, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    var t0 = Stopwatch.GetTimestamp();
                    _sentAt[seq % _sentAt.Length] = t0;
                    await connection.PublishAsync(topic, payload, qos).ConfigureAwait(false);
                    _ctx.Metrics.Published();
                    if (qos == MqttQos.AtLeastOnce)
                    {
                        _ctx.Metrics.PubAcked(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                }
            }
            catch (ConnectionFailedException e)
            {
                _ctx.Metrics.SessionDropped(e.Kind.ToString());
                return Connected;
            }
        }
    }

    private void OnMessage(in PublishPacket message)
    {
        var payload = message.Payload;
        Span<byte> head = stackalloc byte[32];
        var n = (int)Math.Min(head.Length, payload.Length);
        payload.Slice(0, n).CopyTo(head);
        var seq = TelemetryPayload.ReadSequence(head[..n]);
        if (seq > 0 && seq > _sequence - _sentAt.Length)
        {
            _ctx.Metrics.ReceivedOwn(Stopwatch.GetElapsedTime(_sentAt[seq % _sentAt.Length]).TotalMilliseconds);
        }
    }

    private async Task<(TransportOptions Transport, MqttClientOptions Options)> BuildAsync(string clientId, CancellationToken stop)
    {
        var creds = _ctx.Profile.Transport.Kind == "mqtt-tcp" ? null : await _ctx.Tokens.GetAsync(_identity, stop).ConfigureAwait(false);
        return DeviceTransport.Build(_ctx, _identity.Index, clientId, creds);
    }

    private void Move(DeviceState to)
    {
        if (_state != to)
        {
            _ctx.Gauges.Move(_state, to);
            _state = to;
        }
    }

    private static async Task WaitForStopAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
