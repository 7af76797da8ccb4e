using System.Buffers;
using System.Text;

namespace Simulator.Core.Mqtt;

/// <summary>
/// SUBSCRIBE, MQTT 3.1.1 §3.8. <c>82 | remaining | packet id (2) | (filter (UTF-8) | 000000 QoS)+</c>.
/// </summary>
public sealed record SubscribePacket(ushort PacketId, IReadOnlyList<(string Filter, MqttQos Qos)> Subscriptions)
{
    public static SubscribePacket Read(in MqttPacket packet)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.Subscribe);
        var id = r.ReadUInt16();
        if (id == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", "SUBSCRIBE with packet identifier 0");
        }

        var list = new List<(string, MqttQos)>();
        while (r.Remaining > 0)
        {
            var filter = r.ReadString();
            MqttTopic.ValidateTopicFilter(filter);
            var qos = r.ReadByte();
            if (qos > 2)
            {
                MqttProtocolException.Throw(MqttErrorCode.InvalidQos, "[MQTT-3.8.3-4]", $"requested QoS byte 0x{qos:X2} is invalid");
            }

            list.Add((filter, (MqttQos)qos));
        }

        if (list.Count == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptySubscription, "[MQTT-3.8.3-3]", "SUBSCRIBE without a topic filter");
        }

        return new SubscribePacket(id, list);
    }

    public void Write(IBufferWriter<byte> writer)
    {
        if (Subscriptions.Count == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptySubscription, "[MQTT-3.8.3-3]", "SUBSCRIBE without a topic filter");
        }

        foreach (var s in Subscriptions)
        {
            MqttTopic.ValidateTopicFilter(s.Filter);
        }

        var filters = Subscriptions.Select(s => Encoding.UTF8.GetBytes(s.Filter)).ToArray();
        var remaining = 2 + filters.Sum(f => 2 + f.Length + 1);
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.Subscribe, 0b0010, remaining);
        w.UInt16(PacketId);
        for (var i = 0; i < filters.Length; i++)
        {
            w.LengthPrefixed(filters[i]);
            w.Byte((byte)Subscriptions[i].Qos);
        }

        writer.Advance(w.Position);
    }
}
