using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Simulator.Core.Errors;
using Simulator.Core.Transport;

namespace Simulator.Core.Mqtt.Client;

/// <summary>Publish, subscribe and unsubscribe: written through the frame writer, acks awaited on pooled sources.</summary>
internal sealed partial class MqttClientConnection
{
    private ReadOnlyMemory<byte>[]? _aliasTopics; // v5 aliases in use, index + 1 is the alias; under the frame writer's lock
    private int _aliasCount;
    private uint _serverMaxPacket; // the CONNACK's Maximum Packet Size; 0 = no limit

    /// <summary>Topic Aliases this connection has set so far.</summary>
    internal int AliasesInUse => _aliasCount;

    /// <summary>
    /// Publishes; for QoS 1 completes when the PUBACK arrives, waiting first for a place in the
    /// in-flight window. Throws <see cref="ConnectionFailedException"/> if the connection ends first.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishAsync(ReadOnlyMemory<byte> topic, ReadOnlyMemory<byte> payload, MqttQos qos)
    {
        if (qos == MqttQos.ExactlyOnce)
        {
            throw new NotSupportedException("QoS 2 is not supported: AWS IoT Core accepts QoS 0 and 1 only");
        }

        MqttTopic.ValidateTopicName(topic.Span); // before a packet id is taken: a refused topic leaves nothing pending
        ThrowIfEnded();
        if (_serverMaxPacket != 0)
        {
            ThrowIfTooLarge(topic.Length, payload.Length, qos);
        }

        if (qos == MqttQos.AtMostOnce)
        {
            await SendPublishAsync(topic, payload, qos, 0).ConfigureAwait(false);
            return;
        }

        await _inflight.WaitAsync().ConfigureAwait(false);
        try
        {
            var (id, ack) = Register();
            await SendPublishAsync(topic, payload, qos, id).ConfigureAwait(false);
            var version = ack.Version;
            int reason;
            try
            {
                reason = await new ValueTask<int>(ack, version).ConfigureAwait(false);
            }
            finally
            {
                ReturnAck(ack);
            }

            if (reason >= 0x80)
            {
                ThrowRefused((MqttReasonCode)reason);
            }
        }
        finally
        {
            _inflight.Release();
        }
    }

    /// <summary>An MQTT 5 PUBACK that refused the message: the publish fails, the connection stays (v5 §3.4.2.1).</summary>
    private static void ThrowRefused(MqttReasonCode reason) =>
        throw new ConnectionFailedException(FailureKind.PublishRefused, $"PUBACK 0x{(byte)reason:X2} ({MqttReasonCodes.Name(reason)})", failureClass: MqttReasonCodes.FailureClass(MqttPacketType.PubAck, reason));

    /// <summary>
    /// [MQTT-3.2.2-15]: a client never sends a packet over the server's Maximum Packet Size. The
    /// PUBLISH is weighed with its topic name in full and the alias property when aliases are on,
    /// which is what a topic's first PUBLISH carries; later ones by alias alone are smaller.
    /// </summary>
    private void ThrowIfTooLarge(int topicLength, int payloadLength, MqttQos qos)
    {
        var size = PublishPacket.SizeV5(topicLength, payloadLength, qos, (_aliasTopics is null ? 0 : 3) + _options.PublishProperties.Length);
        if ((uint)size > _serverMaxPacket)
        {
            throw new ConnectionFailedException(FailureKind.PacketTooLarge, $"a PUBLISH of {size} bytes is over the server's Maximum Packet Size of {_serverMaxPacket}: not sent", failureClass: "Publish:PacketTooLarge");
        }
    }

    /// <summary>Subscribes and returns the SUBACK return codes (3.1.1: 0x80 = refused; 5.0: 0x80 and above).</summary>
    public async Task<byte[]> SubscribeAsync(IReadOnlyList<(string Filter, MqttQos Qos)> subscriptions)
    {
        ThrowIfEnded();
        var (id, ack) = Register();
        await SendAsync(new SubscribePacket(id, subscriptions) { Version = _version }.Write, LastAction.Subscribe).ConfigureAwait(false);
        try
        {
            await new ValueTask<int>(ack, ack.Version).ConfigureAwait(false);
            return ack.SubAckCodes ?? [];
        }
        finally
        {
            ReturnAck(ack);
        }
    }

    public async Task UnsubscribeAsync(IReadOnlyList<string> filters)
    {
        ThrowIfEnded();
        var (id, ack) = Register();
        await SendAsync(new UnsubscribePacket(id, filters) { Version = _version }.Write, LastAction.Unsubscribe).ConfigureAwait(false);
        try
        {
            await new ValueTask<int>(ack, ack.Version).ConfigureAwait(false);
        }
        finally
        {
            ReturnAck(ack);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendPublishAsync(ReadOnlyMemory<byte> topic, ReadOnlyMemory<byte> payload, MqttQos qos, ushort id)
    {
        try
        {
            await _frames.WriteAsync((Connection: this, Topic: topic, Payload: payload, Qos: qos, Id: id), static (w, s) =>
            {
                s.Connection.ThrowIfEnded();
                if (s.Connection._version == MqttVersion.V500)
                {
                    // Under the frame writer's lock: the PUBLISH that sets an alias goes out before any that use it.
                    var alias = s.Connection.AliasFor(s.Topic, out var known);
                    PublishPacket.WriteHeaderV5(w, known ? default : s.Topic.Span, s.Payload.Length, s.Qos, s.Id, alias, s.Connection._options.PublishProperties);
                    w.Write(s.Payload.Span);
                }
                else
                {
                    PublishPacket.Write(w, s.Topic.Span, s.Payload.Span, s.Qos, s.Id);
                }

                s.Connection.DrainPubAcks();
                s.Connection._lastAction = s.Connection._lastSent = LastAction.Publish;
                s.Connection._lastSend = Stopwatch.GetTimestamp();
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportError(e))
        {
            var failure = ClassifyClose("closed the connection");
            End(failure);
            throw failure;
        }

        if (Volatile.Read(ref _queuedPubAckCount) > 0)
        {
            await SendPubAcksAsync(0).ConfigureAwait(false); // acks queued while we held the lock
        }
    }

    /// <summary>
    /// The Topic Alias for a topic: the one it was given, or a new one while the server's maximum
    /// allows (v5 §3.3.2.3.4); 0 for none. A device publishes on a handful of topics, so a scan of a
    /// short array beats a dictionary and allocates nothing.
    /// </summary>
    private ushort AliasFor(ReadOnlyMemory<byte> topic, out bool known)
    {
        known = false;
        var aliases = _aliasTopics;
        if (aliases is null)
        {
            return 0;
        }

        for (var i = 0; i < _aliasCount; i++)
        {
            if (aliases[i].Span.SequenceEqual(topic.Span))
            {
                known = true;
                return (ushort)(i + 1);
            }
        }

        if (_aliasCount == aliases.Length)
        {
            return 0;
        }

        aliases[_aliasCount] = topic.ToArray(); // once per alias: the caller's buffer may be reused
        return (ushort)++_aliasCount;
    }

    private async Task SendAsync(Action<IBufferWriter<byte>> write, LastAction action)
    {
        try
        {
            await _frames.WriteAsync((Connection: this, Write: write, Action: action), static (w, s) =>
            {
                s.Connection.ThrowIfEnded();
                s.Write(w);
                s.Connection.DrainPubAcks();
                s.Connection._lastAction = s.Action;
                s.Connection._lastSent = s.Action;
                s.Connection._lastSend = Stopwatch.GetTimestamp();
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportError(e))
        {
            var failure = ClassifyClose("closed the connection");
            End(failure);
            throw failure;
        }
    }

    private (ushort Id, PendingAck Ack) Register()
    {
        ushort id;
        PendingAck ack;
        lock (_ackLock)
        {
            ThrowIfEnded();
            ack = _ackPool.Count > 0 ? _ackPool.Pop() : new PendingAck();
            do
            {
                _nextPacketId = (ushort)(_nextPacketId == ushort.MaxValue ? 1 : _nextPacketId + 1);
            }
            while (_pending.ContainsKey(_nextPacketId));
            ack.SentAt = Stopwatch.GetTimestamp();
            _pending.Add(_nextPacketId, ack);
            id = _nextPacketId;
        }

        if (_ackTimeoutTicks > 0)
        {
            KeepAliveScheduler.CheckBy(this, ack.SentAt + _ackTimeoutTicks + 1); // the scan looks only when something is due
        }

        return (id, ack);
    }

    private void ReturnAck(PendingAck ack)
    {
        ack.Reset();
        lock (_ackLock)
        {
            _ackPool.Push(ack);
        }
    }

    private void ThrowIfEnded()
    {
        if (Volatile.Read(ref _ended) != 0)
        {
            throw Completion.IsCompleted && Completion.Result is { } reason
                ? reason.Again()
                : new ConnectionFailedException(FailureKind.Cancelled, "the connection is closed");
        }
    }
}
