using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;
namespace Simulator.Gateway.Broker;

/// <summary>Writing to the device: messages routed from other sessions and acks, all through the session's frame writer.</summary>
public sealed partial class MqttServerSession
{
    internal bool MayReceive(string topicArn) => Volatile.Read(ref _auth)?.Policy?.IsAllowed(IotAction.Receive, topicArn, _context) == true;

    /// <summary>
    /// Writes a PUBLISH to this subscriber; false if it was not delivered (the connection is gone,
    /// or a rate discarded it). It never waits on this subscriber: with its output busy (a flush
    /// waiting on a full socket, or another writer), the frame joins the output's bounded backlog,
    /// and a subscriber whose backlog would pass the bound is cut as a slow consumer (THROTTLED,
    /// counted), as AWS cuts clients that cannot keep up. So a stalled reader costs its publishers
    /// nothing, and a fast one is never cut for the size of its messages.
    /// </summary>
    /// <param name="retain">A retained message sent because of a new subscription: its PUBLISH has RETAIN set ([MQTT-3.3.1-8]).</param>
    internal async ValueTask<bool> DeliverAsync(string topic, ReadOnlySequence<byte> payload, MqttQos qos, ReadOnlyMemory<byte> properties = default, bool retain = false)
    {
        if (Volatile.Read(ref _kept) is { } kept)
        {
            Store(kept, topic, payload, qos, properties);
            return false;
        }

        if (_closed.IsCancellationRequested)
        {
            return false;
        }

        // Outbound messages count toward the connection's 100/s too, and toward the account's outbound rate; the excess is discarded.
        if (!_publishRate.TryTake())
        {
            _broker.Counters.Throttled("PublishOut.Throttle");
            return false;
        }

        if (!_broker.TryPublishOutQuota())
        {
            return false;
        }

        try
        {
            var result = await _frames.TryWriteWithoutWaitingAsync((Session: this, Name: topic, Topic: Encoding.UTF8.GetBytes(topic), Payload: payload, Qos: qos, Properties: properties, Retain: retain), static (w, s) =>
            {
                // Under the frame writer's lock, or into its backlog: ids are taken atomically, and
                // need only be unique among the messages in flight (MQTT §2.2.1), not ordered.
                ushort id = 0;
                if (s.Qos > 0)
                {
                    id = s.Session.TakePacketId();
                }

                if (id != 0)
                {
                    s.Session.TrackUnacked(s.Name, s.Payload, s.Qos, s.Properties, id);
                }

                // Header and topic, then the payload segments as they lie in the publisher's buffer.
                if (s.Session._version == MqttVersion.V500)
                {
                    PublishPacket.WriteHeaderV5(w, s.Topic, s.Payload.Length, s.Qos, id, 0, s.Properties.Span, s.Retain);
                }
                else
                {
                    PublishPacket.WriteHeader(w, s.Topic, s.Payload.Length, s.Qos, id, s.Retain);
                }

                foreach (var segment in s.Payload)
                {
                    w.Write(segment.Span);
                }
            }).ConfigureAwait(false);
            if (result == FrameWriteResult.Overflow)
            {
                _broker.Counters.SlowConsumer();
                Close(DisconnectReason.Throttled);
            }

            return result == FrameWriteResult.Written;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// A message routed to a session whose device is away: AWS stores QoS 1 ones for a persistent
    /// session (mqtt-persistent-sessions) within the account's queued rate and the session's cap;
    /// QoS 0 is not stored.
    /// </summary>
    private void Store(PersistedSession kept, string topic, ReadOnlySequence<byte> payload, MqttQos qos, ReadOnlyMemory<byte> properties)
    {
        if (qos == MqttQos.AtMostOnce)
        {
            return;
        }

        if (_broker.TryQueueQuota() && kept.TryStore(new StoredMessage(topic, payload.ToArray(), qos, properties.ToArray(), 0, _broker.Time.GetUtcNow().ToUnixTimeMilliseconds()), _broker.Quotas.MaxQueuedMessagesPerSession))
        {
            _broker.Counters.Queued();
        }
        else
        {
            _broker.Counters.QueuedDropped();
        }
    }

    /// <summary>
    /// A persistent session remembers each QoS 1 message it sent until the device acknowledges it,
    /// so one still unacknowledged when the connection ends is stored and sent again (MQTT §4.4).
    /// Under the frame writer's lock; at most the session's stored-message cap are remembered.
    /// </summary>
    private void TrackUnacked(string topic, ReadOnlySequence<byte> payload, MqttQos qos, ReadOnlyMemory<byte> properties, ushort id)
    {
        if (_unacked is not { } unacked)
        {
            return;
        }

        lock (unacked)
        {
            if (unacked.Count < _broker.Quotas.MaxQueuedMessagesPerSession)
            {
                unacked.Add(new StoredMessage(topic, payload.ToArray(), qos, properties.ToArray(), id, _broker.Time.GetUtcNow().ToUnixTimeMilliseconds()));
            }
        }
    }

    /// <summary>The whole seconds left of a stored message's Message Expiry Interval (0 or less: expired); null when it has none.</summary>
    private long? Expiry(in StoredMessage m)
    {
        if (m.Properties.Length == 0)
        {
            return null;
        }

        var interval = MqttProperties.Read(new System.Buffers.ReadOnlySequence<byte>(m.Properties), MqttPacketType.Publish).MessageExpiryInterval;
        if (interval is not { } seconds)
        {
            return null;
        }

        var waitedMs = _broker.Time.GetUtcNow().ToUnixTimeMilliseconds() - m.StoredAtMs;
        return seconds - (waitedMs / 1000);
    }

    private static byte[] WithExpiry(byte[] properties, uint seconds)
    {
        var p = MqttProperties.Read(new System.Buffers.ReadOnlySequence<byte>(properties), MqttPacketType.Publish);
        p.MessageExpiryInterval = seconds;
        return p.Encode();
    }

    /// <summary>The next packet id, 1 to 65535 then 1 again (MQTT §2.2.1: never 0). Thread-safe.</summary>
    private ushort TakePacketId()
    {
        while (true)
        {
            var seen = Volatile.Read(ref _nextId);
            var next = seen >= ushort.MaxValue ? 1 : seen + 1;
            if (Interlocked.CompareExchange(ref _nextId, next, seen) == seen)
            {
                return (ushort)next;
            }
        }
    }

    private void Acknowledged(ushort id)
    {
        if (_unacked is { } unacked)
        {
            lock (unacked)
            {
                var i = unacked.FindIndex(m => m.PacketId == id);
                if (i >= 0)
                {
                    unacked.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// A resumed session's stored messages, oldest first, at AWS's rate (10 a second by default):
    /// an unacknowledged one again with its packet id and DUP set, one stored while away with a
    /// new id. Whatever has not gone out when the connection ends is stored again with the session.
    /// </summary>
    private async Task SendStoredAsync()
    {
        var rate = _broker.Quotas.QueuedDeliveriesPerSecond;
        var gap = rate > 0 ? TimeSpan.FromSeconds(1.0 / rate) : TimeSpan.Zero;
        var ct = _closed.Token;
        var sent = 0;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            StoredMessage m;
            lock (_toResend)
            {
                if (_toResend.Count == 0)
                {
                    return;
                }

                m = _toResend[0];
                _toResend.RemoveAt(0);
            }

            // A message whose Message Expiry Interval passed while it waited is not delivered; one
            // still in time goes out with what is left of it (MQTT 5 §3.3.2.3.3; AWS: 1 s to 7 days).
            if (Expiry(m) is { } left)
            {
                if (left <= 0)
                {
                    _broker.Counters.QueuedExpired();
                    continue;
                }

                m = m with { Properties = WithExpiry(m.Properties, (uint)left) };
            }

            // Stored under whoever held the client id before: they go only where this connection's
            // policy allows iot:Receive on their topic, as a live delivery would.
            if (!MayReceive(_broker.Arn.Topic(m.Topic)))
            {
                _broker.Counters.QueuedDropped();
                continue;
            }

            try
            {
                var wait = (gap * sent) - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }

                await _frames.WriteAsync((Session: this, Message: m), static (w, s) =>
                {
                    var session = s.Session;
                    var id = s.Message.PacketId;
                    if (id == 0)
                    {
                        id = session.TakePacketId();
                    }

                    var topic = Encoding.UTF8.GetBytes(s.Message.Topic);
                    session.TrackUnacked(s.Message.Topic, new ReadOnlySequence<byte>(s.Message.Payload), s.Message.Qos, s.Message.Properties, id);
                    var dup = s.Message.PacketId != 0;
                    if (session._version == MqttVersion.V500)
                    {
                        PublishPacket.WriteHeaderV5(w, topic, s.Message.Payload.Length, s.Message.Qos, id, 0, s.Message.Properties, dup: dup);
                    }
                    else
                    {
                        PublishPacket.WriteHeader(w, topic, s.Message.Payload.Length, s.Message.Qos, id, dup: dup);
                    }

                    w.Write(s.Message.Payload);
                }, ct).ConfigureAwait(false);
                sent++;
                _broker.Counters.QueuedDelivered();
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException or System.Net.WebSockets.WebSocketException)
            {
                lock (_toResend)
                {
                    _toResend.Insert(0, m); // not sent: stored again if the session is kept
                }

                return;
            }
        }
    }

    private ValueTask SendAsync(Action<IBufferWriter<byte>> write, CancellationToken ct) =>
        _frames.WriteAsync(write, static (w, write) => write(w), ct);

    /// <summary>
    /// MQTT 5 only: a DISCONNECT that says why the gateway ends the session (v5 §3.14), sent before
    /// the close, as AWS does. A session whose transport is stalled or gone gets no DISCONNECT.
    /// </summary>
    private async Task SayWhyAsync(string closeReason)
    {
        if (_version != MqttVersion.V500 || _frames.FlushPending || ReasonFor(closeReason) is not { } reason)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var packet = new DisconnectPacket(reason) { Properties = new MqttProperties { ReasonString = closeReason } };
            await _frames.WriteAsync(packet, static (w, p) => p.Write(w), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The client is gone already; the close that follows is all there is to do.
        }
    }

    /// <summary>The DISCONNECT reason code for each lifecycle disconnectReason the gateway itself causes; null where the client or the network ended it.</summary>
    private MqttReasonCode? ReasonFor(string closeReason) => closeReason switch
    {
        DisconnectReason.DuplicateClientId => MqttReasonCode.SessionTakenOver,
        DisconnectReason.KeepAliveTimeout => MqttReasonCode.KeepAliveTimeout,
        DisconnectReason.CustomAuthTtlExpiration => MqttReasonCode.MaximumConnectTime, // [U] AWS lists no code for the authorizer's TTL; 0xA0 is the spec's for it
        DisconnectReason.AuthError => MqttReasonCode.NotAuthorized,
        DisconnectReason.Throttled => MqttReasonCode.QuotaExceeded,
        DisconnectReason.ServerInitiated => MqttReasonCode.ServerShuttingDown,
        DisconnectReason.ClientError => _disconnectCode ?? MqttReasonCode.ProtocolError,
        _ => null,
    };
}
