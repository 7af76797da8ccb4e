using System.Buffers;
using System.Diagnostics;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// The nRF9160's MQTT session: a token (cached, refreshed before expiry), connect over TLS with
/// ALPN mqtt, WSS or TCP, subscribe to its own topic, publish telemetry on its schedule until the
/// session's length, the run's stop, or a loss. On a duty cycle (<see cref="DutyCycleSettings"/>)
/// a PSM device connects at each wake, publishes its messages, may wait for its downlink within
/// the active time, disconnects and sleeps; an eDRX device stays connected and publishes its
/// messages once per wake interval, its downlink held by the link to its paging windows.
/// </summary>
internal sealed class TelemetryScenario : IDeviceScenario
{
    private readonly DeviceSettings _device;
    private readonly ITokenSource _tokens;
    private readonly DelayScheduler _scheduler;
    private readonly IDeviceRecorder _recorder;
    private readonly DutyCycleSettings? _duty;
    private readonly MqttConnector _connector;
    private readonly DropNamer _drops;
    private readonly TopicTemplate _topic;
    private readonly TopicTemplate? _commandTopic;

    /// <summary>The fleet's links, told when a device connects (an outage follows its devices back).</summary>
    public LinkFleet? Links { get; init; }

    /// <summary>Cloud-to-device commands: each device subscribes to its command topic and times what arrives; null when off.</summary>
    public CommandSettings? Commands
    {
        get;
        init
        {
            field = value;
            _commandTopic = value is null ? null : TopicTemplate.Parse(value.Topic);
        }
    }

    /// <param name="sessionLifetime">How long the target keeps a session before cutting it (disconnectAfterInSeconds), when known: such a cut is SessionExpired.</param>
    public TelemetryScenario(DeviceSettings device, DeviceTransportOptions transport, DeviceEndpoint endpoint, ITokenSource tokens, DelayScheduler scheduler, IDeviceRecorder recorder, TimeSpan? sessionLifetime)
    {
        _device = device;
        _tokens = tokens;
        _scheduler = scheduler;
        _recorder = recorder;
        _duty = device.Scenario == ScenarioKind.DutyCycle ? device.DutyCycle : null;
        _connector = new MqttConnector(device, transport, endpoint, tokens, recorder);
        _drops = new DropNamer(recorder, sessionLifetime);
        _topic = TopicTemplate.Parse(device.Topic);
    }

    /// <summary>A PSM fleet's first wakes fall uniformly over one interval from each device's start, as firmware's timers spread them.</summary>
    public long FirstWake(ScenarioDevice device)
    {
        if (_duty is not { Mode: DutyCycleMode.Psm } duty)
        {
            return 0;
        }

        device.WakeDue = Stopwatch.GetTimestamp() + (long)(Random.Shared.NextDouble() * duty.WakeIntervalSeconds * Stopwatch.Frequency);
        return device.WakeDue;
    }

    public async Task<SessionEnd> RunAsync(ScenarioDevice d, CancellationToken stop)
    {
        var life = d.Life;
        var clientId = _tokens.ClientIdOf(d.Identity);
        if (_commandTopic is { } commandTopic && d.CommandTopic is null)
        {
            d.CommandTopic = commandTopic.Utf8For(clientId);
        }

        MqttClientConnection connection;
        try
        {
            connection = await _connector.ConnectAsync(d, (in PublishPacket message) => OnMessage(d, message), stop).ConfigureAwait(false);
        }
        catch (AttemptFailedException e)
        {
            life.Failed(e.FailureClass);
            return SessionEnd.Failed(e.FailureClass);
        }
        catch (ConnectionFailedException e) when (!stop.IsCancellationRequested)
        {
            life.Failed(e.FailureClass);
            return SessionEnd.Failed(e.FailureClass);
        }

        await using (connection)
        {
            // A stop normally ends the wait below and disconnects; if the device is blocked on an
            // ack or a send instead, the connection is aborted after a grace period.
            using var onStop = stop.UnsafeRegister(static s => _ = AbortLaterAsync((MqttClientConnection)s!), connection);

            // The wait between publishes is woken early by the stop and by the connection ending (once per session, not per publish).
            using var wakeOnStop = stop.UnsafeRegister(static w => ((DeviceWait)w!).Wake(), d.Wait);
            _ = connection.Completion.ContinueWith(static (_, w) => ((DeviceWait)w!).Wake(), d.Wait, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var connectedAt = d.Connected();
            Links?.Connected(d.Identity.Index);

            var topic = d.Topic ??= _topic.Utf8For(clientId); // once per device, kept across its sessions
            var qos = (MqttQos)_device.Qos;
            try
            {
                // A resumed persistent session still has its subscription: the device does not send it again.
                var resumed = (_device.MqttVersion == MqttVersion.V500 ? !_device.Mqtt5.CleanStart : !_device.CleanSession) && connection.ConnAck.SessionPresent;
                if ((_device.Subscribe || Commands is not null) && !resumed)
                {
                    List<(string, MqttQos)> filters = [];
                    if (_device.Subscribe)
                    {
                        filters.Add((Encoding.UTF8.GetString(topic), qos));
                    }

                    if (Commands is { } c)
                    {
                        filters.Add((Encoding.UTF8.GetString(d.CommandTopic!), (MqttQos)c.Qos));
                    }

                    var codes = await connection.SubscribeAsync(filters).ConfigureAwait(false);
                    var refused = Array.Find(codes, SubAckPacket.IsFailure);
                    if (SubAckPacket.IsFailure(refused))
                    {
                        // 3.1.1 has one failure code; an MQTT 5 SUBACK says why (e.g. SubAck:NotAuthorized).
                        var why = _device.MqttVersion == MqttVersion.V500 ? MqttReasonCodes.FailureClass(MqttPacketType.SubAck, (MqttReasonCode)refused) : "SubscribeRefused";
                        _recorder.SessionDropped(why, "Subscribe", DeviceLifecycle.MillisecondsSince(connectedAt));
                        return SessionEnd.Lost;
                    }
                }

                if (_duty is { Mode: DutyCycleMode.Psm } psm)
                {
                    return await WakeAsync(d, psm, connection, topic, qos, connectedAt, stop).ConfigureAwait(false);
                }

                // A visit with no session length leaves right after CONNACK.
                var sessionEnd = _device.SessionSeconds > 0 ? connectedAt + (long)(_device.SessionSeconds * Stopwatch.Frequency) : life.IsVisit ? connectedAt : long.MaxValue;
                var first = true;
                while (true)
                {
                    var interval = _duty is { } edrx ? edrx.WakeIntervalSeconds * (first ? Random.Shared.NextDouble() : 1 + (edrx.WakeJitter * ((Random.Shared.NextDouble() * 2) - 1))) : PublishSchedule.NextSeconds(_device, first);
                    first = false;

                    // Wake at the session's end when it comes before the next publish.
                    if (sessionEnd != long.MaxValue)
                    {
                        interval = Math.Max(0, Math.Min(interval, (sessionEnd - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                    }

                    var due = Stopwatch.GetTimestamp() + (long)(interval * Stopwatch.Frequency);
                    do
                    {
                        await d.Wait.WaitAsync(_scheduler, due, stop, connection.Completion).ConfigureAwait(false);
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
                        _drops.Dropped(reason, connection, connectedAt, d);
                        return SessionEnd.Lost;
                    }

                    if (Stopwatch.GetTimestamp() >= sessionEnd)
                    {
                        await connection.DisconnectAsync().ConfigureAwait(false);
                        return SessionEnd.Planned;
                    }

                    for (var m = _duty?.MessagesPerWake ?? 1; m > 0; m--)
                    {
                        await PublishAsync(d, connection, topic, qos).ConfigureAwait(false);
                    }
                }
            }
            catch (ConnectionFailedException e) when (!stop.IsCancellationRequested)
            {
                _drops.Dropped(e, connection, connectedAt, d);
                return SessionEnd.Lost;
            }
        }
    }

    private async Task PublishAsync(ScenarioDevice d, MqttClientConnection connection, byte[] topic, MqttQos qos)
    {
        var t0 = Stopwatch.GetTimestamp();
        using (var message = d.NextMessage(t0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
        {
            await connection.PublishAsync(topic, message.Body, qos).ConfigureAwait(false);
            d.Acknowledged(message.Sequence); // its PUBACK came (QoS 1), or it was sent (QoS 0): a backend should get it
        }

        _recorder.Published();
        if (qos == MqttQos.AtLeastOnce)
        {
            _recorder.PubAcked(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }

    /// <summary>
    /// A PSM wake once connected: the wake's messages back to back, then, where it waits for its
    /// downlink, until its own last message comes back or the active time ends; then DISCONNECT and
    /// sleep until the next wake, counted from when this one was due.
    /// </summary>
    private async Task<SessionEnd> WakeAsync(ScenarioDevice d, DutyCycleSettings psm, MqttClientConnection connection, byte[] topic, MqttQos qos, long connectedAt, CancellationToken stop)
    {
        for (var m = psm.MessagesPerWake; m > 0 && !stop.IsCancellationRequested && !connection.Completion.IsCompleted; m--)
        {
            await PublishAsync(d, connection, topic, qos).ConfigureAwait(false);
        }

        if (psm.AwaitDownlink && _device.Subscribe)
        {
            var last = d.Sequence;
            var until = Stopwatch.GetTimestamp() + (long)(psm.ActiveTimeSeconds * Stopwatch.Frequency);
            while (d.LastReceived < last && !stop.IsCancellationRequested && !connection.Completion.IsCompleted && Stopwatch.GetTimestamp() < until)
            {
                await d.Wait.WaitAsync(_scheduler, until, stop, connection.Completion).ConfigureAwait(false);
            }

            if (d.LastReceived < last && !stop.IsCancellationRequested && !connection.Completion.IsCompleted)
            {
                _recorder.DownlinkMissed();
            }
        }

        if (stop.IsCancellationRequested)
        {
            await connection.DisconnectAsync().ConfigureAwait(false);
            return SessionEnd.Planned;
        }

        if (connection.Completion.IsCompleted)
        {
            _drops.Dropped(await connection.Completion.ConfigureAwait(false), connection, connectedAt, d);
            return SessionEnd.Lost;
        }

        await connection.DisconnectAsync().ConfigureAwait(false);
        var now = Stopwatch.GetTimestamp();
        var interval = psm.WakeIntervalSeconds * (1 + (psm.WakeJitter * ((Random.Shared.NextDouble() * 2) - 1)));
        d.WakeDue = Math.Max(now, d.WakeDue + (long)(interval * Stopwatch.Frequency)); // a wake that ran past the next one's time wakes at once
        return SessionEnd.Sleep(d.WakeDue);
    }

    private static bool IsTopic(in ReadOnlySequence<byte> topic, byte[] expected)
    {
        if (topic.Length != expected.Length)
        {
            return false;
        }

        if (topic.IsSingleSegment)
        {
            return topic.FirstSpan.SequenceEqual(expected);
        }

        if (expected.Length > 256)
        {
            return false; // AWS's topics are 256 bytes at most, and so the command topics the profile allows
        }

        Span<byte> copy = stackalloc byte[256];
        topic.CopyTo(copy);
        return copy[..expected.Length].SequenceEqual(expected);
    }

    private static async Task AbortLaterAsync(MqttClientConnection connection)
    {
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        connection.Abort();
    }

    /// <summary>The device's own message back, known by its fingerprint whatever the payload: its end-to-end latency.</summary>
    private void OnMessage(ScenarioDevice d, in PublishPacket message)
    {
        if (d.CommandTopic is { } commandTopic && IsTopic(message.Topic, commandTopic))
        {
            // A command: 8 bytes of its number, 8 of the backend's Stopwatch timestamp at its PUBLISH (one process, one clock).
            if (message.Payload.Length == 16)
            {
                Span<byte> body = stackalloc byte[16];
                message.Payload.CopyTo(body);
                _recorder.CommandReceived(Stopwatch.GetElapsedTime(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(body[8..])).TotalMilliseconds);
            }

            return;
        }

        if (d.TryOwnMessage(message.Payload, out var seq, out var sentAt))
        {
            _recorder.ReceivedOwn(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
            if (_duty is not null)
            {
                d.Received(seq);
                d.Wait.Wake(); // a wake waiting for its downlink goes on
            }
        }
    }
}
