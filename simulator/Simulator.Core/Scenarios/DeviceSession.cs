using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;

namespace Simulator.Core.Scenarios;

/// <summary>
/// A device's MQTT session, opened by <see cref="DeviceContext.ConnectAsync"/>. Publishes count in
/// the run's totals (PUBACK latency at QoS 1). Messages that arrive are handed to the waits that
/// match them, in the order the waits began; one that no wait matches is kept (the latest
/// <see cref="InboxSize"/>) for a later wait, so a reply that beats its wait is not lost. Two
/// kinds of message are the engine's and never reach a wait: the device's own messages from
/// <see cref="PublishNextMessageAsync"/> coming back (their end-to-end latency is recorded) and
/// commands on <see cref="DeviceInfo.CommandTopic"/> (their delivery time is recorded).
/// Thread-safety: publishes, subscribes and waits may run concurrently with each other (a
/// request publishes while another wait is pending); disconnect and dispose end them all.
/// </summary>
public sealed class DeviceSession : IAsyncDisposable
{
    /// <summary>How many unclaimed messages a session keeps for later waits; older ones are dropped.</summary>
    public const int InboxSize = 256;

    private readonly DeviceContext _context;
    private readonly Lock _gate = new();
    private readonly List<MessageWaiter> _waiters = [];
    private readonly Queue<ReceivedMessage> _inbox = new();
    private MqttClientConnection? _connection;
    private Tuple<string, byte[]>? _topic;
    private bool _disconnected;

    internal DeviceSession(DeviceContext context) => _context = context;

    /// <summary>Whether the session is up: connected, not disconnected, not closed by the server or the link.</summary>
    public bool IsOpen => _connection is { } c && !_disconnected && !c.Completion.IsCompleted;

    /// <summary>Whether the server said it kept the device's session (CONNACK's session-present flag).</summary>
    public bool SessionPresent => Connection.ConnAck.SessionPresent;

    /// <summary>When the session ended, with the failure that ended it (null when the device disconnected).</summary>
    internal Task<ConnectionFailedException?> Closed => Connection.Completion;

    internal MqttClientConnection Connection => _connection ?? throw new InvalidOperationException("not connected");

    /// <summary>Publishes <paramref name="payload"/> on <paramref name="topic"/>; at QoS 1 it returns at the PUBACK, whose latency the run records.</summary>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtLeastOnce)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var connection = Connection;
        var t0 = Stopwatch.GetTimestamp();
        await connection.PublishAsync(TopicBytes(topic), payload, qos).ConfigureAwait(false);
        var recorder = _context.Host.Recorder;
        recorder.Published();
        if (qos == MqttQos.AtLeastOnce)
        {
            recorder.PubAcked(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }

    /// <summary>
    /// Publishes the device's next message as the profile's payload model renders it
    /// (<c>device.payload</c>: the nRF9160 telemetry JSON, a template, random bytes), numbered in
    /// sequence across the device's sessions. At QoS 1 it returns at the PUBACK, whose latency the
    /// run records. When the message comes back on a subscription its end-to-end latency is
    /// recorded, and backend consumers count it as delivered, lost or duplicated. Renders into a
    /// pooled buffer: nothing is allocated per message.
    /// </summary>
    public ValueTask PublishNextMessageAsync(string topic, MqttQos qos = MqttQos.AtLeastOnce)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return _context.Host.PublishNextAsync(Connection, TopicBytes(topic), qos);
    }

    /// <summary>
    /// Waits until the last message <see cref="PublishNextMessageAsync"/> sent has come back (the
    /// downlink a power-saving device stays awake for: its own topic echoed, or a backend's
    /// answer republished to it), or <paramref name="within"/> passes. False when it did not come:
    /// counted as a missed downlink (timeseries.csv downlinksMissed; summary.json dutyCycle on a duty-cycle profile). The run's stop throws an
    /// <see cref="OperationCanceledException"/>, the session ending throws its failure. It uses the
    /// device's one reusable wait: not beside <see cref="DeviceContext.WaitAsync"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WaitForDownlinkAsync(TimeSpan within)
    {
        var closed = Closed;
        var came = await _context.Host.WaitForDownlinkAsync(within, closed, _context.Stopping).ConfigureAwait(false);
        _context.Stopping.ThrowIfCancellationRequested();
        if (!came && closed.IsCompleted)
        {
            throw await closed.ConfigureAwait(false) ?? new ConnectionFailedException(FailureKind.ClosedByServer, "the session ended during a wait");
        }

        return came;
    }

    /// <summary>Subscribes to <paramref name="filter"/>; a refusal throws a <see cref="StepFailedException"/> named as the SUBACK says (SubscribeRefused, or at MQTT 5 e.g. SubAck:NotAuthorized).</summary>
    public async Task SubscribeAsync(string filter, MqttQos qos = MqttQos.AtLeastOnce)
    {
        MqttTopic.ValidateTopicFilter(filter);
        var connection = Connection;
        var codes = await connection.SubscribeAsync([(filter, qos)]).ConfigureAwait(false);
        if (codes.Length == 1 && SubAckPacket.IsFailure(codes[0]))
        {
            var why = connection.Version == MqttVersion.V500 ? MqttReasonCodes.FailureClass(MqttPacketType.SubAck, (MqttReasonCode)codes[0]) : "SubscribeRefused";
            throw new StepFailedException(why, $"the server refused the subscription to '{filter}' (SUBACK 0x{codes[0]:X2})");
        }
    }

    /// <summary>
    /// The next message on a topic that <paramref name="filter"/> matches (MQTT wildcards) and, when
    /// given, <paramref name="match"/> accepts. None within <paramref name="timeout"/> throws a
    /// <see cref="TimeoutException"/> (counted as Timeout); the session ending first throws its failure.
    /// </summary>
    public Task<ReceivedMessage> WaitForMessageAsync(string filter, TimeSpan timeout, Func<ReceivedMessage, bool>? match = null)
    {
        MqttTopic.ValidateTopicFilter(filter);
        var waiter = new MessageWaiter(filter, match);
        lock (_gate)
        {
            foreach (var kept in _inbox)
            {
                if (waiter.Accepts(kept))
                {
                    Take(kept);
                    return Task.FromResult(kept);
                }
            }

            _waiters.Add(waiter);
        }

        return WaitAsync(waiter, timeout);
    }

    /// <summary>
    /// Request and reply, as a shadow get or a jobs request is made: the wait for the reply starts
    /// before the request is published, so a fast reply is never missed.
    /// </summary>
    public async Task<ReceivedMessage> RequestAsync(string topic, ReadOnlyMemory<byte> payload, string replyFilter, TimeSpan timeout, MqttQos qos = MqttQos.AtLeastOnce, Func<ReceivedMessage, bool>? match = null)
    {
        MqttTopic.ValidateTopicFilter(replyFilter);
        var waiter = new MessageWaiter(replyFilter, match);
        lock (_gate)
        {
            _waiters.Add(waiter);
        }

        try
        {
            await PublishAsync(topic, payload, qos).ConfigureAwait(false);
        }
        catch
        {
            Remove(waiter);
            throw;
        }

        return await WaitAsync(waiter, timeout).ConfigureAwait(false);
    }

    /// <summary>Sends DISCONNECT and closes; the session ends as the device asked.</summary>
    public async Task DisconnectAsync()
    {
        if (_connection is not { } c || _disconnected)
        {
            return;
        }

        _disconnected = true;
        _context.Ended(this);
        if (!c.Completion.IsCompleted)
        {
            await c.DisconnectAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disconnects if still open, and frees the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection is not { } c)
        {
            return;
        }

        // Disposing the connection sends DISCONNECT first if it is still up.
        _disconnected = true;
        _context.Ended(this);
        await c.DisposeAsync().ConfigureAwait(false);
    }

    internal void Attach(MqttClientConnection connection) => _connection = connection;

    /// <summary>A message arrived (the receive loop's thread): copied, then handed to the first wait that matches, or kept.</summary>
    internal void OnMessage(in PublishPacket packet)
    {
        if (_context.Host.TakeOwn(packet))
        {
            return;
        }

        var message = new ReceivedMessage(Encoding.UTF8.GetString(packet.Topic), packet.Payload.ToArray(), packet.Qos, packet.Retain);
        MessageWaiter? taker = null;
        lock (_gate)
        {
            foreach (var w in _waiters)
            {
                if (w.Accepts(message))
                {
                    taker = w;
                    break;
                }
            }

            if (taker is not null)
            {
                _waiters.Remove(taker);
            }
            else
            {
                if (_inbox.Count == InboxSize)
                {
                    _inbox.Dequeue();
                }

                _inbox.Enqueue(message);
            }
        }

        taker?.Reply.TrySetResult(message);
    }

    private async Task<ReceivedMessage> WaitAsync(MessageWaiter waiter, TimeSpan timeout)
    {
        var closed = Closed;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(_context.Stopping);
        timer.CancelAfter(timeout);
        var timedOut = Task.Delay(Timeout.Infinite, timer.Token);
        var first = await Task.WhenAny(waiter.Reply.Task, closed, timedOut).ConfigureAwait(false);
        if (first == waiter.Reply.Task)
        {
            return await waiter.Reply.Task.ConfigureAwait(false);
        }

        Remove(waiter);
        if (waiter.Reply.Task.IsCompletedSuccessfully)
        {
            return waiter.Reply.Task.Result; // it came as the wait ended
        }

        _context.Stopping.ThrowIfCancellationRequested();
        if (first == closed)
        {
            throw await closed.ConfigureAwait(false) ?? new ConnectionFailedException(FailureKind.ClosedByServer, "the session ended during a wait");
        }

        throw new TimeoutException($"no message on '{waiter.Filter}' within {timeout.TotalSeconds:0.###} s");
    }

    private void Remove(MessageWaiter waiter)
    {
        lock (_gate)
        {
            _waiters.Remove(waiter);
        }
    }

    private void Take(ReceivedMessage kept)
    {
        var n = _inbox.Count;
        for (var i = 0; i < n; i++)
        {
            var m = _inbox.Dequeue();
            if (!ReferenceEquals(m, kept))
            {
                _inbox.Enqueue(m);
            }
        }
    }

    /// <summary>The topic's UTF-8 bytes, kept for the next publish on the same topic (a device publishes on few); swapped whole, so concurrent publishes are safe.</summary>
    private byte[] TopicBytes(string topic)
    {
        if (ReferenceEquals(topic, _context.Device.Topic) && _context.Host.DeviceTopic is { } own)
        {
            return own; // the device's own topic: rendered once per device
        }

        var cached = Volatile.Read(ref _topic);
        if (cached is null || !string.Equals(cached.Item1, topic, StringComparison.Ordinal))
        {
            cached = Tuple.Create(topic, Encoding.UTF8.GetBytes(topic));
            Volatile.Write(ref _topic, cached);
        }

        return cached.Item2;
    }
}
