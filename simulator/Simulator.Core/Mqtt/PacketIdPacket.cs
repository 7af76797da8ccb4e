using System.Buffers;
using System.Buffers.Binary;

namespace Simulator.Core.Mqtt;

/// <summary>
/// The packet-identifier acks: PUBACK §3.4, PUBREC §3.5, PUBREL §3.6 (flags 0010), PUBCOMP §3.7,
/// and UNSUBACK §3.11 at level 4. <c>type|flags 02 | packet identifier (2)</c>. MQTT 5.0 adds a
/// reason code and properties (v5 §3.4.2): <c>type|flags 03 | packet identifier | reason</c>, or
/// longer with a property section; a remaining length of 2 means Success and no properties.
/// </summary>
internal readonly record struct PacketIdPacket(MqttPacketType Type, ushort PacketId)
{
    public MqttReasonCode ReasonCode { get; init; }

    public static PacketIdPacket Read(in MqttPacket packet, MqttVersion version = MqttVersion.V311)
    {
        var r = new MqttBodyReader(packet.Body, packet.Type);
        var id = r.ReadUInt16();
        var reason = MqttReasonCode.Success;
        if (version == MqttVersion.V500 && r.Remaining > 0)
        {
            reason = MqttReasonCodes.Check(packet.Type, r.ReadByte());
            if (r.Remaining > 0)
            {
                MqttProperties.Validate(r.ReadPropertySection(), packet.Type);
            }
        }

        r.ExpectEnd();
        if (id == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", $"{packet.Type} with packet identifier 0");
        }

        return new PacketIdPacket(packet.Type, id) { ReasonCode = reason };
    }

    public void Write(IBufferWriter<byte> writer) => Write(writer, Type, PacketId, ReasonCode);

    public static void Write(IBufferWriter<byte> writer, MqttPacketType type, ushort packetId) => Write(writer, type, packetId, MqttReasonCode.Success);

    /// <summary>Writes the short form; a reason code other than Success makes it v5's three-byte form.</summary>
    public static void Write(IBufferWriter<byte> writer, MqttPacketType type, ushort packetId, MqttReasonCode reasonCode)
    {
        var length = reasonCode == MqttReasonCode.Success ? 2 : 3;
        var span = writer.GetSpan(2 + length);
        span[0] = (byte)(((byte)type << 4) | (type == MqttPacketType.PubRel ? 0b0010 : 0));
        span[1] = (byte)length;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], packetId);
        if (length == 3)
        {
            span[4] = (byte)reasonCode;
        }

        writer.Advance(2 + length);
    }
}
