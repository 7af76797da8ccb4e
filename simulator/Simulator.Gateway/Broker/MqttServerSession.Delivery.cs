using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;
namespace Simulator.Gateway.Broker;

/// <summary>Writing to the device: messages routed from other sessions, acks, and the send lock and flush they share.</summary>
public sealed partial class MqttServerSession
{
    internal bool MayReceive(string topicArn) => Volatile.Read(ref _auth)?.Policy?.IsAllowed(IotAction.Receive, topicArn, _context) == true;

    /// <summary>
    /// Writes a PUBLISH to this subscriber; false if it was not delivered (the connection is gone, or a rate discarded it). A slow subscriber never
    /// stalls the publisher: when its transport buffer is full (the flush cannot complete at once),
    /// the flush finishes off the publisher's path with the send lock held, and a message that
    /// arrives while that flush is still pending disconnects the subscriber as a slow consumer
    /// (THROTTLED, counted), as AWS cuts clients that cannot keep up. So a session holds at most
    /// one transport buffer of unsent messages.
    /// </summary>
    internal async ValueTask<bool> DeliverAsync(string topic, ReadOnlySequence<byte> payload, MqttQos qos)
    {
        if (_closed.IsCancellationRequested)
        {
            return false;
        }

        if (Volatile.Read(ref _flushPending))
        {
            _broker.Counters.SlowConsumer();
            Close(DisconnectReason.Throttled);
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

        await _sendLock.WaitAsync().ConfigureAwait(false);
        var release = true;
        try
        {
            var topicBytes = Encoding.UTF8.GetBytes(topic);
            ushort id = 0;
            if (qos > 0)
            {
                _nextId = (ushort)(_nextId == ushort.MaxValue ? 1 : _nextId + 1);
                id = _nextId;
            }

            // Header and topic, then the payload segments as they lie in the publisher's buffer.
            PublishPacket.WriteHeader(_writer, topicBytes, payload.Length, qos, id);
            foreach (var segment in payload)
            {
                _writer.Write(segment.Span);
            }

            var flush = _writer.FlushAsync();
            if (!flush.IsCompleted)
            {
                release = false;
                Volatile.Write(ref _flushPending, true);
                _ = CompleteFlushAsync(flush);
                return true;
            }

            return !flush.Result.IsCompleted;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (release)
            {
                _sendLock.Release();
            }
        }
    }

    private async Task CompleteFlushAsync(ValueTask<System.IO.Pipelines.FlushResult> flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // The subscriber is gone; its session ends on its own read side.
        }
        finally
        {
            Volatile.Write(ref _flushPending, false);
            _sendLock.Release();
        }
    }

    private async ValueTask SendAsync(Action<IBufferWriter<byte>> write, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            write(_writer);
            await _writer.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
