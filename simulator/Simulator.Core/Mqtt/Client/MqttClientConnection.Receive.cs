using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Simulator.Core.Errors;
using Simulator.Core.Transport;

namespace Simulator.Core.Mqtt.Client;

/// <summary>The receive loop: frames packets, completes acks, delivers messages, answers QoS 1 with PUBACK.</summary>
internal sealed partial class MqttClientConnection
{
    private readonly Lock _pubAckLock = new();
    private ushort[] _acksToSend = new ushort[16];
    private ushort[] _queuedPubAcks = new ushort[16];
    private int _queuedPubAckCount;
    private (PendingAck Ack, int Result)[] _acked = new (PendingAck, int)[16]; // the receive loop's alone
    private int _ackedCount;

    private async Task ReceiveLoopAsync()
    {
        ConnectionFailedException? failure = null;
        try
        {
            while (true)
            {
                // No cancellation token: a cancellable wait cannot be pooled. The loop ends when the stream closes.
                var read = await _packets.ReadAsync().ConfigureAwait(false);
                if (read.IsCompleted)
                {
                    failure = _closing ? null : ClassifyClose("closed the connection");
                    break;
                }

                var acks = 0;
                var packet = read.Packet;
                try
                {
                    do
                    {
                        try
                        {
                            acks = Handle(packet, acks);
                        }
                        finally
                        {
                            _packets.Advance();
                        }
                    }
                    while (_packets.TryRead(out packet));

                    // Acks for everything that arrived together go out in one write.
                    if (acks > 0)
                    {
                        await SendPubAcksAsync(acks).ConfigureAwait(false);
                    }
                }
                finally
                {
                    // The safe point: nothing of this batch is still in use, so an awaiter that
                    // resumes here and ends the connection leaves the loop only a closed transport
                    // to find at its next read.
                    ResumeAckAwaiters();
                }
            }
        }
        catch (MqttProtocolException e)
        {
            failure = new ConnectionFailedException(FailureKind.ProtocolViolation, e.Message, inner: e);
        }
        catch (ConnectionFailedException e)
        {
            failure = e;
        }
        catch (Exception e) when (IsTransportError(e))
        {
            failure = _closing ? null : ClassifyClose("broke the connection (" + e.GetType().Name + ")");
        }
        catch (Exception e)
        {
            // A message handler or a bug of ours: the connection still ends, and says why.
            failure = new ConnectionFailedException(FailureKind.ClientError, $"the client failed while receiving ({e.GetType().Name})", inner: e);
        }

        try
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportError(e))
        {
            // Completing a reader over a broken stream may throw; the failure is already recorded.
        }
        finally
        {
            End(failure);
        }
    }

    private int Handle(in MqttPacket packet, int acks)
    {
        _lastAction = LastAction.None; // the server answered, so what we sent before was accepted
        switch (packet.Type)
        {
            case MqttPacketType.Publish:
                var message = PublishPacket.Read(packet, _version);
                if (message.TopicAlias != 0)
                {
                    // Our CONNECT leaves Topic Alias Maximum at 0, so the server may send none (v5 §3.2.2.3.8).
                    throw new ConnectionFailedException(FailureKind.ProtocolViolation, "the server sent a Topic Alias, which this client did not allow");
                }

                MessageReceived?.Invoke(message);
                if (message.Qos == MqttQos.AtLeastOnce)
                {
                    if (acks == _acksToSend.Length)
                    {
                        Array.Resize(ref _acksToSend, acks * 2);
                    }

                    _acksToSend[acks++] = message.PacketId;
                }

                break;
            case MqttPacketType.PubAck:
                var pubAck = PacketIdPacket.Read(packet, _version);
                Complete(pubAck.PacketId, (int)pubAck.ReasonCode, null);
                break;
            case MqttPacketType.UnsubAck when _version == MqttVersion.V500:
                var unsubAck = UnsubAckPacket.Read(packet);
                Complete(unsubAck.PacketId, unsubAck.ReasonCodes[0], unsubAck.ReasonCodes);
                break;
            case MqttPacketType.UnsubAck:
                Complete(PacketIdPacket.Read(packet).PacketId, 0, null);
                break;
            case MqttPacketType.SubAck:
                var subAck = SubAckPacket.Read(packet, _version);
                Complete(subAck.PacketId, subAck.ReturnCodes[0], subAck.ReturnCodes);
                break;
            case MqttPacketType.Disconnect when _version == MqttVersion.V500:
                // v5 §3.14: the server says why before it closes; the device counts it under that reason.
                var disconnect = DisconnectPacket.Read(packet, _version);
                var text = disconnect.Properties?.ReasonString is { } reasonString ? $": {reasonString}" : string.Empty;
                throw new ConnectionFailedException(
                    FailureKind.ClosedByServer,
                    $"the server sent DISCONNECT 0x{(byte)disconnect.ReasonCode:X2} ({MqttReasonCodes.Name(disconnect.ReasonCode)}){text}",
                    failureClass: MqttReasonCodes.FailureClass(MqttPacketType.Disconnect, disconnect.ReasonCode));
            case MqttPacketType.PingResp:
                EmptyPacket.Read(packet);
                Volatile.Write(ref _pingSentAt, 0);
                break;
            default:
                // QoS 2 is neither sent nor subscribed to by this client, and AWS does not support it.
                throw new ConnectionFailedException(FailureKind.ProtocolViolation, $"unexpected {packet.Type} from the server");
        }

        return acks;
    }

    private void Complete(ushort packetId, int result, byte[]? codes)
    {
        PendingAck? ack;
        lock (_ackLock)
        {
            _pending.Remove(packetId, out ack);
        }

        if (ack is null)
        {
            throw new ConnectionFailedException(FailureKind.ProtocolViolation, $"acknowledgement for unknown packet identifier {packetId}");
        }

        ack.SubAckCodes = codes;
        if (_acked.Length == _ackedCount)
        {
            Array.Resize(ref _acked, _ackedCount * 2);
        }

        _acked[_ackedCount++] = (ack, result);
    }

    /// <summary>Resumes, inline, the awaiters whose acks this batch brought (see <see cref="PendingAck"/>).</summary>
    private void ResumeAckAwaiters()
    {
        for (var i = 0; i < _ackedCount; i++)
        {
            var (ack, result) = _acked[i];
            _acked[i] = default;
            ack.Complete(result);
        }

        _ackedCount = 0;
    }

    /// <summary>
    /// Queues PUBACKs and writes them if the frame writer is free. If a publisher holds it, that
    /// publisher writes them before it flushes (see <see cref="DrainPubAcks"/>), so the receive
    /// loop never waits on the lock and never allocates a waiter.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendPubAcksAsync(int count)
    {
        lock (_pubAckLock)
        {
            if (_queuedPubAckCount + count > _queuedPubAcks.Length)
            {
                Array.Resize(ref _queuedPubAcks, Math.Max(_queuedPubAcks.Length * 2, _queuedPubAckCount + count));
            }

            Array.Copy(_acksToSend, 0, _queuedPubAcks, _queuedPubAckCount, count);
            _queuedPubAckCount += count;
        }

        // Whoever holds the frame writer drains the queue before its flush; only a free writer is taken here.
        while (Volatile.Read(ref _queuedPubAckCount) > 0 && await _frames.TryWriteAsync(this, static (_, c) => c.DrainPubAcks()).ConfigureAwait(false))
        {
        }
    }

    /// <summary>Writes queued PUBACKs; called under the frame writer's lock.</summary>
    private void DrainPubAcks()
    {
        lock (_pubAckLock)
        {
            for (var i = 0; i < _queuedPubAckCount; i++)
            {
                PacketIdPacket.Write(_writer, MqttPacketType.PubAck, _queuedPubAcks[i]);
            }

            if (_queuedPubAckCount > 0)
            {
                _lastSend = Stopwatch.GetTimestamp();
            }

            _queuedPubAckCount = 0;
        }
    }

    /// <summary>The keep-alive scan's look at this connection: pings or fails it if due, and returns when it next needs a look.</summary>
    internal long OnKeepAliveTick(long now)
    {
        if (!IsConnected)
        {
            return long.MaxValue; // ended, and unregistered
        }

        var next = long.MaxValue;
        if (_ackTimeoutTicks > 0 && OldestPendingAck() is { } oldest)
        {
            if (now - oldest > _ackTimeoutTicks)
            {
                End(new ConnectionFailedException(FailureKind.AckTimeout, $"no acknowledgement within {_options.AckTimeout.TotalSeconds:0.#} s after a {_lastSent}"));
                return long.MaxValue;
            }

            next = oldest + _ackTimeoutTicks + 1;
        }

        if (_keepAliveTicks == 0)
        {
            return next;
        }

        // Another ping is due this long after the last packet sent, whether or not one is in flight.
        var pingDue = Volatile.Read(ref _lastSend) + _pingAfterTicks;
        var pingAt = Volatile.Read(ref _pingSentAt);
        if (pingAt != 0)
        {
            if (now - pingAt > _keepAliveTicks)
            {
                End(new ConnectionFailedException(FailureKind.KeepAliveTimeout, $"no PINGRESP within {_keepAliveSeconds} s"));
                return long.MaxValue;
            }

            // Until the PINGRESP comes, look again at the timeout or when the next ping would be due.
            return Math.Min(next, Math.Min(pingAt + _keepAliveTicks + 1, pingDue));
        }

        if (now >= pingDue)
        {
            Volatile.Write(ref _pingSentAt, now);
            _ = SendPingAsync();
            return Math.Min(next, now + _keepAliveTicks + 1);
        }

        return Math.Min(next, pingDue);
    }

    private long? OldestPendingAck()
    {
        lock (_ackLock)
        {
            long? oldest = null;
            foreach (var ack in _pending.Values)
            {
                if (oldest is null || ack.SentAt < oldest)
                {
                    oldest = ack.SentAt;
                }
            }

            return oldest;
        }
    }

    private async Task SendPingAsync()
    {
        try
        {
            await _frames.WriteAsync(this, static (w, c) =>
            {
                EmptyPacket.Write(w, MqttPacketType.PingReq);
                c._lastSent = LastAction.Ping;
                c._lastSend = Stopwatch.GetTimestamp();
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportError(e))
        {
            End(ClassifyClose("closed the connection during a PINGREQ"));
        }
    }
}
