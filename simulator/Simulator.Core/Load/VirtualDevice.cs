using System.Buffers;
using System.Diagnostics;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Core.Transport.OpenSsl;

namespace Simulator.Core.Load;

/// <summary>
/// One virtual nRF9160's life as a state machine: get a token (cached, refreshed before expiry),
/// connect, subscribe, publish on its ICCID topic, and on loss (or disconnectAfterInSeconds)
/// reconnect with exponential backoff and full jitter, giving up after the configured attempts.
/// Every attempt is opened on the device's <see cref="DeviceLifecycle"/> and ends as a success, a
/// named failure (<c>Unexpected:&lt;Type&gt;</c> for an exception nobody named), or an
/// interruption by the run's stop. Latency counts from when the attempt was due.
/// </summary>
public sealed partial class VirtualDevice : ISupervisedDevice
{
    private readonly LoadContext _ctx;
    private readonly DeviceIdentity _identity;
    private readonly TelemetryPayload _payload;
    private readonly long[] _sentAt = new long[64];
    private readonly DeviceWait _wait = new();
    private readonly Func<CancellationToken, Task<SessionEnd>> _scenario;
    private TlsSessionSlot? _tlsSession;
    private DeviceLifecycle _life = null!;
    private long _attemptDue;
    private long _sequence;

    public VirtualDevice(LoadContext ctx, DeviceIdentity identity)
    {
        _ctx = ctx;
        _identity = identity;
        _payload = new TelemetryPayload(identity.Imei, identity.Index);

        // The scenario is chosen once, here: each attempt runs it and gets back how it ended.
        _scenario = ctx.Profile.Device.Scenario == ScenarioKind.NrfCloudLocation ? RunLocationAsync
            : ctx.Profile.Transport.Kind == DeviceTransportKind.HttpsPublish ? RunHttpsAsync
            : RunMqttAsync;
    }

    public DeviceIdentity Identity => _identity;

    public async Task RunAsync(DeviceLifecycle life, CancellationToken stop)
    {
        _life = life;
        _attemptDue = life.IntendedStart;
        var failures = 0;
        var reconnect = _ctx.Profile.Device.Reconnect;
        while (!stop.IsCancellationRequested)
        {
            life.Move(DeviceState.Connecting);
            life.AttemptStarted();
            SessionEnd end;
            try
            {
                end = await _scenario(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or ConnectionFailedException or ObjectDisposedException)
            {
                life.Interrupted();
                break;
            }
            catch (Exception e)
            {
                // Nobody named this one: count it where it happened, keep the device alive.
                var failureClass = _ctx.Metrics.Unexpected(e);
                if (life.AttemptOpen)
                {
                    life.Failed(failureClass);
                    end = SessionEnd.Failed(failureClass);
                }
                else
                {
                    _ctx.Metrics.SessionDropped(failureClass);
                    end = SessionEnd.Lost;
                }
            }

            if (stop.IsCancellationRequested)
            {
                life.Interrupted();
                break;
            }

            if (life.IsVisit)
            {
                return; // one attempt and its session, whatever the outcome: the offered rate stays the plan's
            }

            if (end.Kind == SessionEndKind.Planned)
            {
                failures = 0; // a session ended as planned (session length): reconnect at once
                _attemptDue = Stopwatch.GetTimestamp();
                continue;
            }

            if (end.Kind == SessionEndKind.Lost)
            {
                failures = 0;
            }
            else if (++failures >= reconnect.MaxAttempts)
            {
                life.Move(DeviceState.GivenUp);
                await WaitForStopAsync(stop).ConfigureAwait(false);
                return;
            }

            life.Move(DeviceState.BackingOff);
            var delay = Backoff.FullJitter(Math.Max(failures, 1), reconnect.BaseMilliseconds, reconnect.MaxMilliseconds, Random.Shared);
            _attemptDue = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
            try
            {
                await _ctx.Scheduler.Delay(delay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>The open attempt connected; latency counts from when it was due.</summary>
    private void Succeeded() => _life.Succeeded(DeviceLifecycle.MillisecondsSince(_attemptDue));

    private async Task<SessionEnd> RunMqttAsync(CancellationToken stop)
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
            _life.Failed(e.FailureClass);
            return SessionEnd.Failed(e.FailureClass);
        }
        catch (ConnectionFailedException e) when (!stop.IsCancellationRequested)
        {
            _life.Failed(e.Kind.ToString());
            return SessionEnd.Failed(e.Kind.ToString());
        }

        await using (connection)
        {
            // A stop normally ends the wait below and disconnects; if the device is blocked on an
            // ack or a send instead, the connection is aborted after a grace period.
            using var onStop = stop.UnsafeRegister(static s => _ = AbortLaterAsync((MqttClientConnection)s!), connection);

            // The wait between publishes is woken early by the stop and by the connection ending (once per session, not per publish).
            using var wakeOnStop = stop.UnsafeRegister(static w => ((DeviceWait)w!).Wake(), _wait);
            _ = connection.Completion.ContinueWith(static (_, w) => ((DeviceWait)w!).Wake(), _wait, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var t = connection.Timings;
            _ctx.Metrics.Record(Phase.Dns, t.DnsMs);
            _ctx.Metrics.Record(Phase.Tcp, t.TcpMs);
            _ctx.Metrics.Record(Phase.Tls, t.TlsMs);
            _ctx.Metrics.Record(Phase.WebSocket, t.WebSocketMs);
            _ctx.Metrics.Record(Phase.ConnAck, t.ConnAckMs);
            Succeeded();
            _life.Move(DeviceState.Connected);
            var connectedAt = Stopwatch.GetTimestamp();

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
                        _ctx.Metrics.SessionDropped("SubscribeRefused", "Subscribe", DeviceLifecycle.MillisecondsSince(connectedAt));
                        return SessionEnd.Lost;
                    }
                }

                // A visit with no session length leaves right after CONNACK.
                var sessionEnd = device.SessionSeconds > 0 ? connectedAt + (long)(device.SessionSeconds * Stopwatch.Frequency) : _life.IsVisit ? connectedAt : long.MaxValue;
                var first = true;
                while (true)
                {
                    var interval = PublishSchedule.NextSeconds(device, first);
                    first = false;

                    // Wake at the session's end when it comes before the next publish.
                    if (sessionEnd != long.MaxValue)
                    {
                        interval = Math.Max(0, Math.Min(interval, (sessionEnd - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                    }

                    var due = Stopwatch.GetTimestamp() + (long)(interval * Stopwatch.Frequency);
                    do
                    {
                        await _wait.WaitAsync(_ctx.Scheduler, due, stop, connection.Completion).ConfigureAwait(false);
                    }
                    while (!stop.IsCancellationRequested && !connection.Completion.IsCompleted && Stopwatch.GetTimestamp() < due);

                    if (stop.IsCancellationRequested)
                    {
                        await connection.DisconnectAsync().ConfigureAwait(false);
                        return SessionEnd.Planned;
                    }

                    if (connection.Completion.IsCompleted)
                    {
                        var reason = await connection.Completion.ConfigureAwait(false);
                        Dropped(reason, connection, connectedAt);
                        return SessionEnd.Lost;
                    }

                    if (Stopwatch.GetTimestamp() >= sessionEnd)
                    {
                        await connection.DisconnectAsync().ConfigureAwait(false);
                        return SessionEnd.Planned;
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
            catch (ConnectionFailedException e) when (!stop.IsCancellationRequested)
            {
                Dropped(e, connection, connectedAt);
                return SessionEnd.Lost;
            }
        }
    }

    /// <summary>
    /// Names a lost session by what happened: a server close when the session reached the target's
    /// known lifetime (disconnectAfterInSeconds) is SessionExpired, whatever the client last sent;
    /// any other server close is named once the fleet's view is in (TargetClosedAll in an outage).
    /// </summary>
    private void Dropped(ConnectionFailedException? reason, MqttClientConnection connection, long connectedAt)
    {
        var age = DeviceLifecycle.MillisecondsSince(connectedAt);
        var kind = reason?.Kind;
        var serverClose = kind is FailureKind.ClosedByServer or FailureKind.ClosedAfterPublish or FailureKind.ClosedAfterSubscribe;
        if (serverClose && _ctx.SessionLifetime is { } lifetime && age >= (lifetime.TotalMilliseconds - 1500))
        {
            _ctx.Metrics.SessionDropped("SessionExpired", connection.LastSent.ToString(), age);
        }
        else if (serverClose)
        {
            _ctx.Metrics.ServerClosed(kind!.Value.ToString(), connection.LastSent.ToString(), age); // named with the fleet's view: one of an outage, or its own
        }
        else
        {
            _ctx.Metrics.SessionDropped(kind?.ToString() ?? "Closed", connection.LastSent.ToString(), age);
        }
    }

    private static async Task AbortLaterAsync(MqttClientConnection connection)
    {
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        connection.Abort();
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
        var creds = _ctx.Profile.Transport.Kind == DeviceTransportKind.MqttTcp ? null : await _ctx.Tokens.GetAsync(_identity, stop).ConfigureAwait(false);
        // A modem caches its own TLS session across reconnects, and only its own.
        var session = _ctx.Profile.Transport.TlsResume ? _tlsSession ??= new TlsSessionSlot() : null;
        return DeviceTransport.Build(_ctx, _identity.Index, clientId, creds, session);
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
