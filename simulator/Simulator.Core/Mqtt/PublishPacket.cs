using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// PUBLISH, MQTT 3.1.1 §3.3 and MQTT 5.0 §3.3. Decoding slices the buffer and allocates nothing;
/// the slices are valid until the reader's buffer is advanced.
/// <code>
/// byte 1: 0011 | DUP | QoS (2) | RETAIN
/// variable header: topic name (UTF-8, no wildcards; v5: empty with a Topic Alias) | packet identifier (QoS 1, 2 only) | [v5: properties]
/// payload: the rest
/// </code>
/// </summary>
internal readonly struct PublishPacket
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

    public PublishPacket(ReadOnlySequence<byte> topic, ReadOnlySequence<byte> payload, MqttQos qos, bool retain, bool dup, ushort packetId, ushort topicAlias, ReadOnlySequence<byte> properties)
        : this(topic, payload, qos, retain, dup, packetId)
    {
        TopicAlias = topicAlias;
        Properties = properties;
    }

    /// <summary>Empty in a v5 PUBLISH that names its topic by <see cref="TopicAlias"/> alone.</summary>
    public ReadOnlySequence<byte> Topic { get; }

    /// <summary>v5 §3.3.2.3.4; 0 when absent.</summary>
    public ushort TopicAlias { get; }

    /// <summary>The v5 property section as it came, checked (§3.3.2.3); empty at level 4.</summary>
    public ReadOnlySequence<byte> Properties { get; }

    public ReadOnlySequence<byte> Payload { get; }

    public MqttQos Qos { get; }

    public bool Retain { get; }

    public bool Dup { get; }

    /// <summary>0 for QoS 0.</summary>
    public ushort PacketId { get; }

    public static PublishPacket Read(in MqttPacket packet, MqttVersion version = MqttVersion.V311)
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
        if (version != MqttVersion.V500 || !topic.IsEmpty)
        {
            MqttTopic.ValidateTopicName(topic);
        }

        ushort id = 0;
        if (qos > 0)
        {
            id = r.ReadUInt16();
            if (id == 0)
            {
                MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", "packet identifier 0");
            }
        }

        if (version != MqttVersion.V500)
        {
            return new PublishPacket(topic, r.Rest, qos, (packet.Flags & 0x01) != 0, dup, id);
        }

        var section = r.ReadPropertySection();
        ushort alias = 0;
        var properties = new MqttPropertyReader(section, MqttPacketType.Publish);
        while (properties.MoveNext())
        {
            if (properties.Id == MqttPropertyId.TopicAlias)
            {
                alias = (ushort)properties.Number;
            }
        }

        if (topic.IsEmpty && alias == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptyTopic, "[MQTT-3.3.2-1]", "PUBLISH with an empty topic and no Topic Alias");
        }

        return new PublishPacket(topic, r.Rest, qos, (packet.Flags & 0x01) != 0, dup, id, alias, section);
    }

    /// <summary>Bytes the packet takes on the wire.</summary>
    public static int Size(int topicLength, int payloadLength, MqttQos qos)
    {
        var remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + payloadLength;
        return 1 + MqttFraming.RemainingLengthSize(remaining) + remaining;
    }

    /// <summary>Bytes a v5 PUBLISH takes: <paramref name="propertyLength"/> counts the properties, Topic Alias included.</summary>
    public static int SizeV5(int topicLength, int payloadLength, MqttQos qos, int propertyLength)
    {
        var remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + MqttFraming.RemainingLengthSize(propertyLength) + propertyLength + payloadLength;
        return 1 + MqttFraming.RemainingLengthSize(remaining) + remaining;
    }

    /// <summary>
    /// Writes the head of a v5 PUBLISH: the topic (empty to send the alias alone), packet id, and
    /// the properties, which are the Topic Alias (when not 0) followed by <paramref name="properties"/>
    /// as encoded once by the caller (e.g. <see cref="MqttProperties.Encode"/>). Allocates nothing.
    /// </summary>
    public static void WriteHeaderV5(IBufferWriter<byte> writer, ReadOnlySpan<byte> topic, long payloadLength, MqttQos qos, ushort packetId, ushort topicAlias, ReadOnlySpan<byte> properties, bool retain = false, bool dup = false)
    {
        if (!topic.IsEmpty || topicAlias == 0)
        {
            MqttTopic.ValidateTopicName(topic);
        }

        var propertyLength = (topicAlias == 0 ? 0 : 3) + properties.Length;
        var head = 2 + topic.Length + (qos > 0 ? 2 : 0) + MqttFraming.RemainingLengthSize(propertyLength) + propertyLength;
        var remaining = checked((int)(head + payloadLength));
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + head));
        var flags = (byte)(((byte)qos << 1) | (retain ? 1 : 0) | (dup ? 0x08 : 0));
        w.Header(MqttPacketType.Publish, flags, remaining);
        w.LengthPrefixed(topic);
        if (qos > 0)
        {
            w.UInt16(packetId);
        }

        w.VariableByteInteger(propertyLength);
        if (topicAlias != 0)
        {
            w.Byte((byte)MqttPropertyId.TopicAlias);
            w.UInt16(topicAlias);
        }

        w.Raw(properties);
        writer.Advance(w.Position);
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
