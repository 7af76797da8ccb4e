using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// UNSUBACK, MQTT 5.0 §3.11: <c>B0 | remaining | packet id (2) | properties | reason code+</c>, a
/// reason code per filter. At level 4 UNSUBACK is a <see cref="PacketIdPacket"/>.
/// </summary>
internal sealed record UnsubAckPacket(ushort PacketId, byte[] ReasonCodes)
{
    public MqttProperties? Properties { get; init; }

    public static UnsubAckPacket Read(in MqttPacket packet)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.UnsubAck);
        var id = r.ReadUInt16();
        if (id == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", "UNSUBACK with packet identifier 0");
        }

        var properties = MqttProperties.Read(r.ReadPropertySection(), MqttPacketType.UnsubAck);
        var codes = r.Rest.ToArray();
        if (codes.Length == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.MalformedPacket, "[MQTT-3.11.3-1]", "UNSUBACK without reason codes");
        }

        foreach (var c in codes)
        {
            MqttReasonCodes.Check(MqttPacketType.UnsubAck, c);
        }

        return new UnsubAckPacket(id, codes) { Properties = properties };
    }

    public void Write(IBufferWriter<byte> writer)
    {
        var remaining = 2 + MqttProperties.SectionSize(Properties) + ReasonCodes.Length;
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.UnsubAck, 0, remaining);
        w.UInt16(PacketId);
        MqttProperties.WriteSection(ref w, Properties);
        w.Raw(ReasonCodes);
        writer.Advance(w.Position);
    }
}
