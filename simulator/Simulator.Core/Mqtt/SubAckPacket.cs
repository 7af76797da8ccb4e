using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>SUBACK, MQTT 3.1.1 §3.9. <c>90 | remaining | packet id (2) | return code+</c>; codes 0, 1, 2 or 0x80 (failure).</summary>
public sealed record SubAckPacket(ushort PacketId, byte[] ReturnCodes)
{
    public const byte Failure = 0x80;

    public static SubAckPacket Read(in MqttPacket packet)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.SubAck);
        var id = r.ReadUInt16();
        var codes = r.Rest.ToArray();
        if (codes.Length == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.MalformedPacket, "[MQTT-3.9.3-1]", "SUBACK without return codes");
        }

        foreach (var c in codes)
        {
            if (c is not (0 or 1 or 2 or Failure))
            {
                MqttProtocolException.Throw(MqttErrorCode.InvalidSubAckCode, "[MQTT-3.9.3-2]", $"SUBACK return code 0x{c:X2} is reserved");
            }
        }

        return new SubAckPacket(id, codes);
    }

    public void Write(IBufferWriter<byte> writer)
    {
        var remaining = 2 + ReturnCodes.Length;
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.SubAck, 0, remaining);
        w.UInt16(PacketId);
        w.Raw(ReturnCodes);
        writer.Advance(w.Position);
    }
}
