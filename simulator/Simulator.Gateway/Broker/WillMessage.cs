using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>
/// A CONNECT's Will (3.1.1 §3.1.2.5, v5 §3.1.3.2-3): published when the connection ends without a
/// normal DISCONNECT. <see cref="Properties"/> are the Will's v5 properties as a PUBLISH carries
/// them (Will Delay Interval taken out into <see cref="DelaySeconds"/>); a <see cref="Retain"/> Will is also kept as its topic's retained message.
/// </summary>
internal sealed record WillMessage(string Topic, byte[] Payload, MqttQos Qos, byte[] Properties, uint DelaySeconds, bool Retain)
{
    public static WillMessage? Of(ConnectPacket connect)
    {
        if (connect.WillTopic is null)
        {
            return null;
        }

        var p = connect.WillProperties;
        var forwarded = p is null ? [] : new MqttProperties
        {
            PayloadFormatIndicator = p.PayloadFormatIndicator,
            MessageExpiryInterval = p.MessageExpiryInterval,
            ContentType = p.ContentType,
            ResponseTopic = p.ResponseTopic,
            CorrelationData = p.CorrelationData,
            UserProperties = p.UserProperties,
        }.Encode();
        return new WillMessage(connect.WillTopic, connect.WillMessage ?? [], connect.WillQos, forwarded, p?.WillDelayInterval ?? 0, connect.WillRetain);
    }
}
