using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// DISCONNECT, MQTT 5.0 §3.14: <c>E0 | remaining | [reason code | [properties]]</c>; a remaining
/// length of 0 means Normal disconnection (0x00). Either side may send it in v5. At level 4 it is
/// the bodiless <c>E0 00</c> of §3.14 (<see cref="EmptyPacket"/>).
/// </summary>
internal sealed record DisconnectPacket(MqttReasonCode ReasonCode)
{
    public MqttProperties? Properties { get; init; }

    public static DisconnectPacket Read(in MqttPacket packet, MqttVersion version)
    {
        if (version != MqttVersion.V500)
        {
            EmptyPacket.Read(packet);
            return new DisconnectPacket(MqttReasonCode.Success);
        }

        var r = new MqttBodyReader(packet.Body, MqttPacketType.Disconnect);
        if (r.Remaining == 0)
        {
            return new DisconnectPacket(MqttReasonCode.Success);
        }

        var reason = MqttReasonCodes.Check(MqttPacketType.Disconnect, r.ReadByte());
        var properties = r.Remaining > 0 ? MqttProperties.Read(r.ReadPropertySection(), MqttPacketType.Disconnect) : null;
        r.ExpectEnd();
        return new DisconnectPacket(reason) { Properties = properties };
    }

    public void Write(IBufferWriter<byte> writer)
    {
        var hasProperties = Properties is { IsEmpty: false };
        var remaining = ReasonCode == MqttReasonCode.Success && !hasProperties ? 0 : 1 + (hasProperties ? MqttProperties.SectionSize(Properties) : 0);
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.Disconnect, 0, remaining);
        if (remaining > 0)
        {
            w.Byte((byte)ReasonCode);
            if (hasProperties)
            {
                MqttProperties.WriteSection(ref w, Properties);
            }
        }

        writer.Advance(w.Position);
    }
}
