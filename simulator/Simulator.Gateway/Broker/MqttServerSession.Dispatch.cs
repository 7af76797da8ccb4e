using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;
namespace Simulator.Gateway.Broker;

/// <summary>The receive loop: each packet from the device, PUBLISH and SUBSCRIBE checked against the cached policy and the per-connection quotas.</summary>
public sealed partial class MqttServerSession
{
    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        while (true)
        {
            var read = await _packets.ReadAsync(ct).ConfigureAwait(false);
            if (read.IsCompleted)
            {
                _closeReason ??= DisconnectReason.ConnectionLost;
                return;
            }

            bool goOn;
            try
            {
                Volatile.Write(ref _lastReceiveTicks, Environment.TickCount64);
                goOn = await HandleAsync(read.Packet, ct).ConfigureAwait(false);
            }
            finally
            {
                _packets.Advance();
            }

            if (!goOn)
            {
                return;
            }
        }
    }

    private async ValueTask<bool> HandleAsync(MqttPacket packet, CancellationToken ct)
    {
        switch (packet.Type)
        {
            case MqttPacketType.Publish:
                return await OnPublishAsync(PublishPacket.Read(packet), ct).ConfigureAwait(false);
            case MqttPacketType.Subscribe:
                return await OnSubscribeAsync(SubscribePacket.Read(packet), ct).ConfigureAwait(false);
            case MqttPacketType.Unsubscribe:
                var unsub = UnsubscribePacket.Read(packet);
                foreach (var f in unsub.Filters)
                {
                    _broker.Router.Remove(this, f);
                    _filters.Remove(f);
                }

                await SendAsync(w => PacketIdPacket.Write(w, MqttPacketType.UnsubAck, unsub.PacketId), ct).ConfigureAwait(false);
                return true;
            case MqttPacketType.PingReq:
                EmptyPacket.Read(packet);
                await SendAsync(w => EmptyPacket.Write(w, MqttPacketType.PingResp), ct).ConfigureAwait(false);
                return true;
            case MqttPacketType.PubAck:
                PacketIdPacket.Read(packet);
                return true;
            case MqttPacketType.Disconnect:
                _closeReason = DisconnectReason.ClientInitiated;
                return false;
            default:
                _closeReason = DisconnectReason.ClientError; // QoS 2 and server-only packets
                return false;
        }
    }

    private async ValueTask<bool> OnPublishAsync(PublishPacket publish, CancellationToken ct)
    {
        var topic = MqttBroker.Utf8(publish.Topic);
        var q = _broker.Quotas;
        if (publish.Topic.Length > q.MaxTopicBytes || topic.Count(c => c == '/') > q.MaxTopicSlashes || publish.Payload.Length > q.MaxPayloadBytes)
        {
            _closeReason = DisconnectReason.ClientError;
            return false;
        }

        if (!Volatile.Read(ref _auth)!.Policy!.IsAllowed(IotAction.Publish, _broker.Arn.Topic(topic), _context))
        {
            _broker.Counters.Denied(DenyReason.PolicyDenied);
            _closeReason = DisconnectReason.AuthError; // AWS closes on a denied publish (A.4)
            return false;
        }

        // Excess publishes are discarded and acknowledged (A.5): per connection (in and out together) and per account.
        if (!_publishRate.TryTake())
        {
            _broker.Counters.Denied(DenyReason.Throttled);
            _broker.Counters.Throttled("PublishIn.Throttle");
        }
        else if (!_broker.TryPublishInQuota())
        {
            _broker.Counters.Denied(DenyReason.Throttled);
        }
        else
        {
            await _broker.RouteAsync(topic, publish.Payload, publish.Qos).ConfigureAwait(false);
        }

        if (publish.Qos == MqttQos.AtLeastOnce)
        {
            var id = publish.PacketId;
            await SendAsync(w => PacketIdPacket.Write(w, MqttPacketType.PubAck, id), ct).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask<bool> OnSubscribeAsync(SubscribePacket subscribe, CancellationToken ct)
    {
        var q = _broker.Quotas;
        if (subscribe.Subscriptions.Count > q.MaxFiltersPerSubscribe)
        {
            _closeReason = DisconnectReason.ClientError;
            return false;
        }

        var codes = new byte[subscribe.Subscriptions.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            var (filter, qos) = subscribe.Subscriptions[i];
            if (!Volatile.Read(ref _auth)!.Policy!.IsAllowed(IotAction.Subscribe, _broker.Arn.TopicFilter(filter), _context))
            {
                _broker.Counters.Denied(DenyReason.PolicyDenied);
                _closeReason = DisconnectReason.AuthError; // AWS closes on a denied subscribe (A.4)
                return false;
            }

            if (!_filters.Contains(filter) && _filters.Count >= q.MaxSubscriptionsPerConnection)
            {
                _closeReason = DisconnectReason.ClientError; // over 50 subscriptions on one connection: AWS closes it (A.5)
                return false;
            }

            if (!_broker.TrySubscribeQuota())
            {
                codes[i] = SubAckPacket.Failure; // the account's subscribe rate: this filter is refused, the connection stays
                continue;
            }

            var granted = qos > MqttQos.AtLeastOnce ? MqttQos.AtLeastOnce : qos; // AWS grants at most QoS 1
            _broker.Router.Add(this, filter, granted);
            _filters.Add(filter);
            codes[i] = (byte)granted;
        }

        await SendAsync(w => new SubAckPacket(subscribe.PacketId, codes).Write(w), ct).ConfigureAwait(false);
        return true;
    }
}
