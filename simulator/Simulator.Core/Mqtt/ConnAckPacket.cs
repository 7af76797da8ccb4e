using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// CONNACK, MQTT 3.1.1 §3.2 (<c>20 02 | 0000000 SP | return code</c>) and MQTT 5.0 §3.2
/// (<c>20 | remaining | 0000000 SP | reason code | properties</c>).
/// </summary>
internal readonly record struct ConnAckPacket(bool SessionPresent, ConnAckReturnCode ReturnCode)
{
    public MqttVersion Version { get; init; }

    /// <summary>v5 §3.2.2.2; Success at level 4 whenever the return code is 0.</summary>
    public MqttReasonCode ReasonCode { get; init; }

    /// <summary>v5 §3.2.2.3; null at level 4.</summary>
    public MqttProperties? Properties { get; init; }

    public bool Accepted => Version == MqttVersion.V500 ? ReasonCode == MqttReasonCode.Success : ReturnCode == ConnAckReturnCode.Accepted;

    public static ConnAckPacket V5(bool sessionPresent, MqttReasonCode reasonCode, MqttProperties? properties = null) =>
        new(sessionPresent, ConnAckReturnCode.Accepted) { Version = MqttVersion.V500, ReasonCode = reasonCode, Properties = properties };

    public static ConnAckPacket Read(in MqttPacket packet, MqttVersion version = MqttVersion.V311)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.ConnAck);
        var ack = r.ReadByte();
        var code = r.ReadByte();
        if ((ack & 0xFE) != 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ReservedFlags, "[MQTT-3.2.2-1]", "CONNACK acknowledge flags bits 7-1 are reserved");
        }

        if (version == MqttVersion.V500)
        {
            var reason = MqttReasonCodes.Check(MqttPacketType.ConnAck, code);
            var properties = MqttProperties.Read(r.ReadPropertySection(), MqttPacketType.ConnAck);
            r.ExpectEnd();
            return V5((ack & 1) != 0, reason, properties);
        }

        r.ExpectEnd();
        if (code > 5)
        {
            MqttProtocolException.Throw(MqttErrorCode.UnknownConnAckCode, "[MQTT-3.2.2.3]", $"CONNACK return code {code} is reserved");
        }

        return new ConnAckPacket((ack & 1) != 0, (ConnAckReturnCode)code);
    }

    public void Write(IBufferWriter<byte> writer)
    {
        if (Version != MqttVersion.V500)
        {
            var span = writer.GetSpan(4);
            span[0] = 0x20;
            span[1] = 0x02;
            span[2] = SessionPresent ? (byte)1 : (byte)0;
            span[3] = (byte)ReturnCode;
            writer.Advance(4);
            return;
        }

        var remaining = 2 + MqttProperties.SectionSize(Properties);
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.ConnAck, 0, remaining);
        w.Byte(SessionPresent ? (byte)1 : (byte)0);
        w.Byte((byte)ReasonCode);
        MqttProperties.WriteSection(ref w, Properties);
        writer.Advance(w.Position);
    }
}
