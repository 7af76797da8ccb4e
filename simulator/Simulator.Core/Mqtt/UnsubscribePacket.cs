using System.Buffers;
using System.Text;

namespace Simulator.Core.Mqtt;

/// <summary>UNSUBSCRIBE, MQTT 3.1.1 §3.10. <c>A2 | remaining | packet id (2) | filter (UTF-8)+</c>.</summary>
public sealed record UnsubscribePacket(ushort PacketId, IReadOnlyList<string> Filters)
{
    public static UnsubscribePacket Read(in MqttPacket packet)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.Unsubscribe);
        var id = r.ReadUInt16();
        if (id == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", "UNSUBSCRIBE with packet identifier 0");
        }

        var list = new List<string>();
        while (r.Remaining > 0)
        {
            var filter = r.ReadString();
            MqttTopic.ValidateTopicFilter(filter);
            list.Add(filter);
        }

        if (list.Count == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptySubscription, "[MQTT-3.10.3-2]", "UNSUBSCRIBE without a topic filter");
        }

        return new UnsubscribePacket(id, list);
    }

    public void Write(IBufferWriter<byte> writer)
    {
        var filters = Filters.Select(Encoding.UTF8.GetBytes).ToArray();
        var remaining = 2 + filters.Sum(f => 2 + f.Length);
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.Unsubscribe, 0b0010, remaining);
        w.UInt16(PacketId);
        foreach (var f in filters)
        {
            w.LengthPrefixed(f);
        }

        writer.Advance(w.Position);
    }
}
