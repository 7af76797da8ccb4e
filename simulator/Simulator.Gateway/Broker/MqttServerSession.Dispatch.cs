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
    /// <param name="ct">The session's token, for the work each packet starts.</param>
    /// <param name="reads">What ends a read: the session's own close, not the transport's closed signal.</param>
    private async Task ReceiveLoopAsync(CancellationToken ct, CancellationToken reads)
    {
        while (true)
        {
            var read = await _packets.ReadAsync(reads).ConfigureAwait(false);
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
                return await OnPublishAsync(PublishPacket.Read(packet, _version), ct).ConfigureAwait(false);
            case MqttPacketType.Subscribe:
                return await OnSubscribeAsync(SubscribePacket.Read(packet, _version), ct).ConfigureAwait(false);
            case MqttPacketType.Unsubscribe:
                var unsub = UnsubscribePacket.Read(packet, _version);
                var existed = new byte[unsub.Filters.Count];
                for (var i = 0; i < existed.Length; i++)
                {
                    var f = unsub.Filters[i];
                    _broker.Router.Remove(this, f);
                    existed[i] = RemoveFilter(f) ? (byte)MqttReasonCode.Success : (byte)MqttReasonCode.NoSubscriptionExisted;
                }

                if (_version == MqttVersion.V500)
                {
                    await SendAsync(w => new UnsubAckPacket(unsub.PacketId, existed).Write(w), ct).ConfigureAwait(false);
                }
                else
                {
                    await SendAsync(w => PacketIdPacket.Write(w, MqttPacketType.UnsubAck, unsub.PacketId), ct).ConfigureAwait(false);
                }

                return true;
            case MqttPacketType.PingReq:
                EmptyPacket.Read(packet);
                await SendAsync(w => EmptyPacket.Write(w, MqttPacketType.PingResp), ct).ConfigureAwait(false);
                return true;
            case MqttPacketType.PubAck:
                Acknowledged(PacketIdPacket.Read(packet, _version).PacketId);
                return true;
            case MqttPacketType.Disconnect:
                // v5 §3.14.2.2.2: a DISCONNECT may change the session's expiry, within the gateway's cap;
                // one that raises it from 0 is a Protocol Error, not a valid DISCONNECT (its Will
                // goes): a session the CONNECT did not ask for, and its policy's PersistentConnect
                // condition was not checked for, is never granted at the end.
                var disconnect = DisconnectPacket.Read(packet, _version);
                if (disconnect.Properties?.SessionExpiryInterval is { } expiry)
                {
                    if (_sessionExpirySeconds == 0 && expiry > 0)
                    {
                        return ClientError(MqttReasonCode.ProtocolError);
                    }

                    _sessionExpirySeconds = Math.Min(expiry, _broker.Mqtt5.MaxSessionExpirySeconds);
                }

                _willDiscarded = disconnect.ReasonCode != MqttReasonCode.DisconnectWithWillMessage; // [MQTT-3.14.4-3]

                _closeReason = DisconnectReason.ClientInitiated;
                return false;
            case MqttPacketType.Auth:
                // AWS IoT Core does not support enhanced authentication (D).
                return ClientError(MqttReasonCode.ProtocolError);
            default:
                _closeReason = DisconnectReason.ClientError; // QoS 2 and server-only packets
                return false;
        }
    }

    /// <summary>Ends the session for a client's error; an MQTT 5 client gets a DISCONNECT with <paramref name="reason"/> first.</summary>
    private bool ClientError(MqttReasonCode reason)
    {
        _closeReason = DisconnectReason.ClientError;
        _disconnectCode = reason;
        return false;
    }

    /// <summary>v5 §3.3.2.3.4: a Topic Alias above our maximum is an error; an empty topic takes the alias's topic, a named one (re)sets it.</summary>
    private string? ResolveTopic(in PublishPacket publish)
    {
        if (publish.TopicAlias == 0)
        {
            return MqttBroker.Utf8(publish.Topic);
        }

        if (publish.TopicAlias > _broker.Mqtt5.TopicAliasMaximum)
        {
            return null;
        }

        _topicAliases ??= [];
        if (publish.Topic.IsEmpty)
        {
            return _topicAliases.GetValueOrDefault(publish.TopicAlias);
        }

        var topic = MqttBroker.Utf8(publish.Topic);
        _topicAliases[publish.TopicAlias] = topic;
        return topic;
    }

    /// <summary>A v5 publisher's properties as subscribers get them (v5 §3.3.4): all but the Topic Alias, which is per connection.</summary>
    private static ReadOnlyMemory<byte> Forwarded(in PublishPacket publish)
    {
        if (publish.Properties.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var properties = MqttProperties.Read(publish.Properties, MqttPacketType.Publish);
        properties.TopicAlias = null;
        return properties.IsEmpty ? ReadOnlyMemory<byte>.Empty : properties.Encode();
    }

    private async ValueTask<bool> OnPublishAsync(PublishPacket publish, CancellationToken ct)
    {
        // AWS IoT Core does not support QoS 2: the client is disconnected, an MQTT 5 one told
        // 0x9B (its CONNACK said Maximum QoS 1, v5 §3.3.1.2), rather than left waiting for a PUBREC.
        if (publish.Qos == MqttQos.ExactlyOnce)
        {
            return ClientError(MqttReasonCode.QosNotSupported);
        }

        var v5 = _version == MqttVersion.V500;
        var topic = v5 ? ResolveTopic(publish) : MqttBroker.Utf8(publish.Topic);
        if (topic is null)
        {
            return ClientError(MqttReasonCode.TopicAliasInvalid);
        }

        var q = _broker.Quotas;
        if (publish.Payload.Length > q.MaxPayloadBytes)
        {
            return ClientError(MqttReasonCode.PacketTooLarge);
        }

        if (Encoding.UTF8.GetByteCount(topic) > q.MaxTopicBytes || topic.Count(c => c == '/') > q.MaxTopicSlashes)
        {
            return ClientError(MqttReasonCode.TopicNameInvalid);
        }

        // A retained PUBLISH also needs iot:RetainPublish; without it the publish is denied as a whole (retained-message-policy-examples; [U] AWS's answer to it).
        var policy = Volatile.Read(ref _auth)!.Policy!;
        var topicArn = _broker.Arn.Topic(topic);
        if (!policy.IsAllowed(IotAction.Publish, topicArn, _context) || (publish.Retain && !policy.IsAllowed(IotAction.RetainPublish, topicArn, _context)))
        {
            _broker.Counters.Denied(DenyReason.PolicyDenied);
            if (v5 && publish.Qos == MqttQos.AtLeastOnce)
            {
                // MQTT 5: the PUBACK says no and the connection stays (D). At QoS 0 there is no ack to say it in, so the close below stays too [U].
                await SendAsync(w => PacketIdPacket.Write(w, MqttPacketType.PubAck, publish.PacketId, MqttReasonCode.NotAuthorized), ct).ConfigureAwait(false);
                return true;
            }

            _closeReason = DisconnectReason.AuthError; // AWS closes on a denied publish (A.4)
            return false;
        }

        // Excess publishes are discarded and acknowledged (A.5): per connection (in and out together) and per account.
        // An MQTT 5 PUBACK says so with 0x97 Quota exceeded; 3.1.1 has no way to.
        var reason = MqttReasonCode.Success;
        if (!_publishRate.TryTake())
        {
            _broker.Counters.Denied(DenyReason.Throttled);
            _broker.Counters.Throttled("PublishIn.Throttle");
            reason = MqttReasonCode.QuotaExceeded;
        }
        else if (!_broker.TryPublishInQuota())
        {
            _broker.Counters.Denied(DenyReason.Throttled);
            reason = MqttReasonCode.QuotaExceeded;
        }
        else if (Services.ShadowTopic.TryParse(topic, out var shadowRequest))
        {
            // A shadow request goes to the Shadow service, which answers on its response topics (one dispatch point, as the cloud has).
            foreach (var answer in _broker.Shadows.Handle(shadowRequest, publish.Payload.IsSingleSegment ? publish.Payload.FirstSpan : publish.Payload.ToArray()))
            {
                await _broker.RouteAsync(answer.Topic, new ReadOnlySequence<byte>(answer.Payload), MqttQos.AtLeastOnce).ConfigureAwait(false);
            }
        }
        else
        {
            var forwarded = v5 ? Forwarded(publish) : ReadOnlyMemory<byte>.Empty;
            if (publish.Retain)
            {
                _broker.Retained.Set(topic, publish.Payload, publish.Qos, forwarded); // kept, then routed as any message (with RETAIN 0, [MQTT-3.3.1-9])
            }

            await _broker.RouteAsync(topic, publish.Payload, publish.Qos, forwarded, ClientId).ConfigureAwait(false);
        }

        if (publish.Qos == MqttQos.AtLeastOnce)
        {
            var id = publish.PacketId;
            var code = v5 ? reason : MqttReasonCode.Success;
            await SendAsync(w => PacketIdPacket.Write(w, MqttPacketType.PubAck, id, code), ct).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask<bool> OnSubscribeAsync(SubscribePacket subscribe, CancellationToken ct)
    {
        var q = _broker.Quotas;
        var v5 = _version == MqttVersion.V500;
        if (subscribe.Subscriptions.Count > q.MaxFiltersPerSubscribe)
        {
            return ClientError(MqttReasonCode.QuotaExceeded);
        }

        if (v5 && subscribe.Properties?.SubscriptionIdentifiers is { Count: > 0 })
        {
            return ClientError(MqttReasonCode.SubscriptionIdentifiersNotSupported); // AWS does not support them (D), and its CONNACK said so
        }

        var codes = new byte[subscribe.Subscriptions.Count];
        List<(string Filter, MqttQos Granted)>? retainedFor = null;
        for (var i = 0; i < codes.Length; i++)
        {
            var (filter, qos) = subscribe.Subscriptions[i];
            var shared = SharedFilter.TryParse(filter, out _, out _, out var validShare);
            if (shared && !validShare)
            {
                // $share/{ShareName}/{TopicFilter}: a share name without wildcards and a filter after it (MQTT 5.0 §4.8.2).
                codes[i] = v5 ? (byte)MqttReasonCode.TopicFilterInvalid : SubAckPacket.Failure;
                continue;
            }

            // No Local on a shared subscription is a Protocol Error ([MQTT-3.8.3-4]).
            var noLocal = subscribe.NoLocal(i);
            if (noLocal && shared)
            {
                return ClientError(MqttReasonCode.ProtocolError);
            }

            // A shared subscription's policy resource is its whole filter, topicfilter/$share/{ShareName}/{TopicFilter}; receiving is checked on each message's topic.
            if (!Volatile.Read(ref _auth)!.Policy!.IsAllowed(IotAction.Subscribe, _broker.Arn.TopicFilter(filter), _context))
            {
                _broker.Counters.Denied(DenyReason.PolicyDenied);
                if (v5)
                {
                    codes[i] = (byte)MqttReasonCode.NotAuthorized; // MQTT 5: this filter is refused in the SUBACK, the connection stays (D)
                    continue;
                }

                _closeReason = DisconnectReason.AuthError; // AWS closes on a denied subscribe (A.4)
                return false;
            }

            if (!_filters.ContainsKey(filter) && _filters.Count >= q.MaxSubscriptionsPerConnection)
            {
                if (v5)
                {
                    codes[i] = (byte)MqttReasonCode.QuotaExceeded;
                    continue;
                }

                _closeReason = DisconnectReason.ClientError; // over 50 subscriptions on one connection: AWS closes it (A.5)
                return false;
            }

            if (!_broker.TrySubscribeQuota())
            {
                // The account's subscribe rate: this filter is refused, the connection stays.
                codes[i] = v5 ? (byte)MqttReasonCode.QuotaExceeded : SubAckPacket.Failure;
                continue;
            }

            var granted = qos > MqttQos.AtLeastOnce ? MqttQos.AtLeastOnce : qos; // AWS grants at most QoS 1

            // Retained messages go to the new subscription unless its Retain Handling says not (v5
            // §3.8.3.1: 1 only when it did not exist, 2 never); a shared subscription gets none (v5 §4.8.2).
            var handling = subscribe.RetainHandling(i);
            if (handling != 2 && (handling == 0 || !_filters.ContainsKey(filter)) && !shared)
            {
                (retainedFor ??= []).Add((filter, granted));
            }

            _broker.Router.Add(this, filter, granted, noLocal);
            lock (_filters)
            {
                _filters[filter] = new GrantedFilter(granted, noLocal); // under its lock: a connection taking the client id over copies them, No Local included
            }
            _broker.Counters.Subscribed();
            codes[i] = (byte)granted;
        }

        await SendAsync(w => new SubAckPacket(subscribe.PacketId, codes) { Version = _version }.Write(w), ct).ConfigureAwait(false);
        if (retainedFor is not null)
        {
            await SendRetainedAsync(retainedFor).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// After the SUBACK, each new subscription's retained messages with RETAIN set ([MQTT-3.3.1-8]),
    /// at the lower of their QoS and the granted one, where the policy lets this client receive them.
    /// </summary>
    private async Task SendRetainedAsync(List<(string Filter, MqttQos Granted)> subscriptions)
    {
        foreach (var (filter, granted) in subscriptions)
        {
            foreach (var message in _broker.Retained.Matching(filter))
            {
                if (!MayReceive(_broker.Arn.Topic(message.Topic)))
                {
                    continue;
                }

                var qos = message.Qos < granted ? message.Qos : granted;
                if (await DeliverAsync(message.Topic, new ReadOnlySequence<byte>(message.Payload), qos, message.Properties, retain: true).ConfigureAwait(false))
                {
                    _broker.Counters.RetainedSent();
                }
            }
        }
    }
}
