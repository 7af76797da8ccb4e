using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>The bodiless packets: PINGREQ §3.12 (C0 00), PINGRESP §3.13 (D0 00), DISCONNECT §3.14 (E0 00).</summary>
internal static class EmptyPacket
{
    public static void Write(IBufferWriter<byte> writer, MqttPacketType type)
    {
        var span = writer.GetSpan(2);
        span[0] = (byte)((byte)type << 4);
        span[1] = 0;
        writer.Advance(2);
    }

    /// <summary>Checks that a PINGREQ, PINGRESP or DISCONNECT has no body.</summary>
    public static void Read(in MqttPacket packet)
    {
        if (!packet.Body.IsEmpty)
        {
            MqttProtocolException.Throw(MqttErrorCode.MalformedPacket, "[MQTT-2.2.3]", $"{packet.Type} must have remaining length 0");
        }
    }
}
