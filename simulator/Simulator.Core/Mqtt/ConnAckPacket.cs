using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// CONNACK, MQTT 3.1.1 §3.2. <c>20 02 | 0000000 SP | return code</c>.
/// </summary>
public readonly record struct ConnAckPacket(bool SessionPresent, ConnAckReturnCode ReturnCode)
{
    public static ConnAckPacket Read(in MqttPacket packet)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.ConnAck);
        var ack = r.ReadByte();
        var code = r.ReadByte();
        r.ExpectEnd();
        if ((ack & 0xFE) != 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ReservedFlags, "[MQTT-3.2.2-1]", "CONNACK acknowledge flags bits 7-1 are reserved");
        }

        if (code > 5)
        {
            MqttProtocolException.Throw(MqttErrorCode.UnknownConnAckCode, "[MQTT-3.2.2.3]", $"CONNACK return code {code} is reserved");
        }

        return new ConnAckPacket((ack & 1) != 0, (ConnAckReturnCode)code);
    }

    public void Write(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(4);
        span[0] = 0x20;
        span[1] = 0x02;
        span[2] = SessionPresent ? (byte)1 : (byte)0;
        span[3] = (byte)ReturnCode;
        writer.Advance(4);
    }
}
