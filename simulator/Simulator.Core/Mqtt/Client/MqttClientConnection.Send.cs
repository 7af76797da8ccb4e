using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Simulator.Core.Errors;
using Simulator.Core.Transport;

namespace Simulator.Core.Mqtt.Client;

/// <summary>Publish, subscribe and unsubscribe: written through the frame writer, acks awaited on pooled sources.</summary>
public sealed partial class MqttClientConnection
{
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
            try
            {
                await new ValueTask<int>(ack, version).ConfigureAwait(false);
            }
            finally
            {
                ReturnAck(ack);
            }
        }
        finally
        {
            _inflight.Release();
        }
    }

    /// <summary>Subscribes and returns the SUBACK return codes (0x80 = refused).</summary>
    public async Task<byte[]> SubscribeAsync(IReadOnlyList<(string Filter, MqttQos Qos)> subscriptions)
    {
        ThrowIfEnded();
        var (id, ack) = Register();
        await SendAsync(new SubscribePacket(id, subscriptions).Write, LastAction.Subscribe).ConfigureAwait(false);
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
        await SendAsync(new UnsubscribePacket(id, filters).Write, LastAction.Unsubscribe).ConfigureAwait(false);
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
                PublishPacket.Write(w, s.Topic.Span, s.Payload.Span, s.Qos, s.Id);
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
                ? new ConnectionFailedException(reason.Kind, reason.Detail, reason.HttpStatus, reason.ConnAckCode)
                : new ConnectionFailedException(FailureKind.Cancelled, "the connection is closed");
        }
    }
}
