namespace Simulator.Core.Mqtt;

/// <summary>
/// MQTT 5.0 §2.2.2.2 Table 2-4: each property's type and the packets that may carry it. A mask's
/// bit N is packet type N (1 CONNECT … 15 AUTH); bit 0 stands for the Will Properties of CONNECT.
/// </summary>
internal static class MqttPropertyTable
{
    public const int Will = 0;
    private const int AllButPing = 0xCFFF; // every packet and the Will but PINGREQ (12) and PINGRESP (13)

    public static bool TryGet(byte id, out MqttPropertyType type, out int packets)
    {
        (type, packets) = (MqttPropertyId)id switch
        {
            MqttPropertyId.PayloadFormatIndicator => (MqttPropertyType.Byte, Bits(MqttPacketType.Publish) | 1),
            MqttPropertyId.MessageExpiryInterval => (MqttPropertyType.FourByteInteger, Bits(MqttPacketType.Publish) | 1),
            MqttPropertyId.ContentType => (MqttPropertyType.Utf8String, Bits(MqttPacketType.Publish) | 1),
            MqttPropertyId.ResponseTopic => (MqttPropertyType.Utf8String, Bits(MqttPacketType.Publish) | 1),
            MqttPropertyId.CorrelationData => (MqttPropertyType.BinaryData, Bits(MqttPacketType.Publish) | 1),
            MqttPropertyId.SubscriptionIdentifier => (MqttPropertyType.VariableByteInteger, Bits(MqttPacketType.Publish, MqttPacketType.Subscribe)),
            MqttPropertyId.SessionExpiryInterval => (MqttPropertyType.FourByteInteger, Bits(MqttPacketType.Connect, MqttPacketType.ConnAck, MqttPacketType.Disconnect)),
            MqttPropertyId.AssignedClientIdentifier => (MqttPropertyType.Utf8String, Bits(MqttPacketType.ConnAck)),
            MqttPropertyId.ServerKeepAlive => (MqttPropertyType.TwoByteInteger, Bits(MqttPacketType.ConnAck)),
            MqttPropertyId.AuthenticationMethod => (MqttPropertyType.Utf8String, Bits(MqttPacketType.Connect, MqttPacketType.ConnAck, MqttPacketType.Auth)),
            MqttPropertyId.AuthenticationData => (MqttPropertyType.BinaryData, Bits(MqttPacketType.Connect, MqttPacketType.ConnAck, MqttPacketType.Auth)),
            MqttPropertyId.RequestProblemInformation => (MqttPropertyType.Byte, Bits(MqttPacketType.Connect)),
            MqttPropertyId.WillDelayInterval => (MqttPropertyType.FourByteInteger, 1),
            MqttPropertyId.RequestResponseInformation => (MqttPropertyType.Byte, Bits(MqttPacketType.Connect)),
            MqttPropertyId.ResponseInformation => (MqttPropertyType.Utf8String, Bits(MqttPacketType.ConnAck)),
            MqttPropertyId.ServerReference => (MqttPropertyType.Utf8String, Bits(MqttPacketType.ConnAck, MqttPacketType.Disconnect)),
            MqttPropertyId.ReasonString => (MqttPropertyType.Utf8String, Bits(MqttPacketType.ConnAck, MqttPacketType.PubAck, MqttPacketType.PubRec, MqttPacketType.PubRel, MqttPacketType.PubComp, MqttPacketType.SubAck, MqttPacketType.UnsubAck, MqttPacketType.Disconnect, MqttPacketType.Auth)),
            MqttPropertyId.ReceiveMaximum => (MqttPropertyType.TwoByteInteger, Bits(MqttPacketType.Connect, MqttPacketType.ConnAck)),
            MqttPropertyId.TopicAliasMaximum => (MqttPropertyType.TwoByteInteger, Bits(MqttPacketType.Connect, MqttPacketType.ConnAck)),
            MqttPropertyId.TopicAlias => (MqttPropertyType.TwoByteInteger, Bits(MqttPacketType.Publish)),
            MqttPropertyId.MaximumQos => (MqttPropertyType.Byte, Bits(MqttPacketType.ConnAck)),
            MqttPropertyId.RetainAvailable => (MqttPropertyType.Byte, Bits(MqttPacketType.ConnAck)),
            MqttPropertyId.UserProperty => (MqttPropertyType.Utf8StringPair, AllButPing),
            MqttPropertyId.MaximumPacketSize => (MqttPropertyType.FourByteInteger, Bits(MqttPacketType.Connect, MqttPacketType.ConnAck)),
            MqttPropertyId.WildcardSubscriptionAvailable => (MqttPropertyType.Byte, Bits(MqttPacketType.ConnAck)),
            MqttPropertyId.SubscriptionIdentifierAvailable => (MqttPropertyType.Byte, Bits(MqttPacketType.ConnAck)),
            MqttPropertyId.SharedSubscriptionAvailable => (MqttPropertyType.Byte, Bits(MqttPacketType.ConnAck)),
            _ => ((MqttPropertyType)255, 0),
        };
        return packets != 0;
    }

    /// <summary>User Property may repeat anywhere; Subscription Identifier may repeat in a PUBLISH (§3.3.2.3.8).</summary>
    public static bool MayRepeat(MqttPropertyId id, MqttPacketType packet) =>
        id == MqttPropertyId.UserProperty || (id == MqttPropertyId.SubscriptionIdentifier && packet == MqttPacketType.Publish);

    private static int Bits(params ReadOnlySpan<MqttPacketType> types)
    {
        var mask = 0;
        foreach (var t in types)
        {
            mask |= 1 << (int)t;
        }

        return mask;
    }
}
