using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// SUBACK, MQTT 3.1.1 §3.9: <c>90 | remaining | packet id (2) | return code+</c>; codes 0, 1, 2 or
/// 0x80 (failure). MQTT 5.0 §3.9 puts a property section after the packet id, and the codes are
/// reason codes: 0x80 and above refuse the filter.
/// </summary>
internal sealed record SubAckPacket(ushort PacketId, byte[] ReturnCodes)
{
    public const byte Failure = 0x80;

    /// <summary>A refused filter in either version: 3.1.1's 0x80, or any v5 reason code of 0x80 and above.</summary>
    public static bool IsFailure(byte code) => code >= Failure;

    public MqttVersion Version { get; init; }

    public MqttProperties? Properties { get; init; }

    public static SubAckPacket Read(in MqttPacket packet, MqttVersion version = MqttVersion.V311)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.SubAck);
        var id = r.ReadUInt16();
        if (version == MqttVersion.V500)
        {
            var properties = MqttProperties.Read(r.ReadPropertySection(), MqttPacketType.SubAck);
            var reasons = r.Rest.ToArray();
            if (reasons.Length == 0)
            {
                MqttProtocolException.Throw(MqttErrorCode.MalformedPacket, "[MQTT-3.9.3-1]", "SUBACK without reason codes");
            }

            foreach (var c in reasons)
            {
                MqttReasonCodes.Check(MqttPacketType.SubAck, c);
            }

            return new SubAckPacket(id, reasons) { Version = version, Properties = properties };
        }

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
        var v5 = Version == MqttVersion.V500;
        var remaining = 2 + (v5 ? MqttProperties.SectionSize(Properties) : 0) + ReturnCodes.Length;
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.SubAck, 0, remaining);
        w.UInt16(PacketId);
        if (v5)
        {
            MqttProperties.WriteSection(ref w, Properties);
        }

        w.Raw(ReturnCodes);
        writer.Advance(w.Position);
    }
}
