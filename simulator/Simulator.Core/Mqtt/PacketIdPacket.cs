using System.Buffers;
using System.Buffers.Binary;

namespace Simulator.Core.Mqtt;

/// <summary>
/// The two-byte-body packets: PUBACK §3.4, PUBREC §3.5, PUBREL §3.6 (flags 0010), PUBCOMP §3.7,
/// UNSUBACK §3.11. <c>type|flags 02 | packet identifier (2)</c>.
/// </summary>
public readonly record struct PacketIdPacket(MqttPacketType Type, ushort PacketId)
{
    public static PacketIdPacket Read(in MqttPacket packet)
    {
        var r = new MqttBodyReader(packet.Body, packet.Type);
        var id = r.ReadUInt16();
        r.ExpectEnd();
        if (id == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", $"{packet.Type} with packet identifier 0");
        }

        return new PacketIdPacket(packet.Type, id);
    }

    public void Write(IBufferWriter<byte> writer) => Write(writer, Type, PacketId);

    public static void Write(IBufferWriter<byte> writer, MqttPacketType type, ushort packetId)
    {
        var span = writer.GetSpan(4);
        span[0] = (byte)(((byte)type << 4) | (type == MqttPacketType.PubRel ? 0b0010 : 0));
        span[1] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], packetId);
        writer.Advance(4);
    }
}
