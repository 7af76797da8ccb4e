using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// PUBLISH, MQTT 3.1.1 §3.3. Decoding slices the buffer and allocates nothing; the slices are
/// valid until the reader's buffer is advanced.
/// <code>
/// byte 1: 0011 | DUP | QoS (2) | RETAIN
/// variable header: topic name (UTF-8, no wildcards) | packet identifier (QoS 1, 2 only)
/// payload: the rest
/// </code>
/// </summary>
public readonly struct PublishPacket
{
    public PublishPacket(ReadOnlySequence<byte> topic, ReadOnlySequence<byte> payload, MqttQos qos, bool retain, bool dup, ushort packetId)
    {
        Topic = topic;
        Payload = payload;
        Qos = qos;
        Retain = retain;
        Dup = dup;
        PacketId = packetId;
    }

    public ReadOnlySequence<byte> Topic { get; }

    public ReadOnlySequence<byte> Payload { get; }

    public MqttQos Qos { get; }

    public bool Retain { get; }

    public bool Dup { get; }

    /// <summary>0 for QoS 0.</summary>
    public ushort PacketId { get; }

    public static PublishPacket Read(in MqttPacket packet)
    {
        var qos = (MqttQos)((packet.Flags >> 1) & 0x03);
        var dup = (packet.Flags & 0x08) != 0;
        if (qos == (MqttQos)3)
        {
            MqttProtocolException.Throw(MqttErrorCode.InvalidQos, "[MQTT-3.3.1-4]", "PUBLISH with QoS 3");
        }

        if (dup && qos == MqttQos.AtMostOnce)
        {
            MqttProtocolException.Throw(MqttErrorCode.DupOnQos0, "[MQTT-3.3.1-2]", "DUP set on a QoS 0 PUBLISH");
        }

        var r = new MqttBodyReader(packet.Body, MqttPacketType.Publish);
        var topic = r.ReadUtf8();
        MqttTopic.ValidateTopicName(topic);
        ushort id = 0;
        if (qos > 0)
        {
            id = r.ReadUInt16();
            if (id == 0)
            {
                MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", "packet identifier 0");
            }
        }

        return new PublishPacket(topic, r.Rest, qos, (packet.Flags & 0x01) != 0, dup, id);
    }

    /// <summary>Bytes the packet takes on the wire.</summary>
    public static int Size(int topicLength, int payloadLength, MqttQos qos)
    {
        var remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + payloadLength;
        return 1 + MqttFraming.RemainingLengthSize(remaining) + remaining;
    }

    /// <summary>
    /// Writes a PUBLISH. The header and topic go into one span; the payload is copied in the
    /// writer's own chunk sizes, so a 64 KB payload never forces one large contiguous buffer.
    /// </summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload, MqttQos qos, ushort packetId = 0, bool retain = false, bool dup = false)
    {
        WriteHeader(writer, topic, payload.Length, qos, packetId, retain, dup);
        writer.Write(payload);
    }

    /// <summary>Writes the fixed header, topic and packet id for a payload the caller writes next (e.g. from a multi-segment buffer).</summary>
    public static void WriteHeader(IBufferWriter<byte> writer, ReadOnlySpan<byte> topic, long payloadLength, MqttQos qos, ushort packetId = 0, bool retain = false, bool dup = false)
    {
        MqttTopic.ValidateTopicName(topic);
        var remaining = checked((int)(2 + topic.Length + (qos > 0 ? 2 : 0) + payloadLength));
        var headLength = 1 + MqttFraming.RemainingLengthSize(remaining) + 2 + topic.Length + (qos > 0 ? 2 : 0);
        var w = new MqttBodyWriter(writer.GetSpan(headLength));
        var flags = (byte)(((byte)qos << 1) | (retain ? 1 : 0) | (dup ? 0x08 : 0));
        w.Header(MqttPacketType.Publish, flags, remaining);
        w.LengthPrefixed(topic);
        if (qos > 0)
        {
            w.UInt16(packetId);
        }

        writer.Advance(w.Position);
    }
}
