using System.Buffers;
using System.Text;

namespace Simulator.Core.Mqtt;

/// <summary>
/// SUBSCRIBE, MQTT 3.1.1 §3.8: <c>82 | remaining | packet id (2) | (filter (UTF-8) | 000000 QoS)+</c>.
/// MQTT 5.0 §3.8 adds a property section after the packet id, and each filter's byte becomes
/// subscription options: <c>00 | retain handling (2) | RAP | NL | QoS (2)</c>.
/// </summary>
internal sealed record SubscribePacket(ushort PacketId, IReadOnlyList<(string Filter, MqttQos Qos)> Subscriptions)
{
    public MqttVersion Version { get; init; }

    public MqttProperties? Properties { get; init; }

    /// <summary>
    /// Each filter's options byte as it came, beside <see cref="Subscriptions"/>: at 3.1.1 the QoS
    /// alone; at 5.0 also No Local, Retain As Published and Retain Handling (v5 §3.8.3.1).
    /// </summary>
    public IReadOnlyList<byte> Options { get; init; } = [];

    /// <summary>v5 §3.8.3.1 No Local of the filter at <paramref name="index"/>: the subscriber's own messages are not sent back to it; false at 3.1.1.</summary>
    public bool NoLocal(int index) => Version == MqttVersion.V500 && index < Options.Count && (Options[index] & 0x04) != 0;

    /// <summary>v5 §3.8.3.1 Retain Handling of the filter at <paramref name="index"/>: 0 send retained messages at subscribe, 1 only for a new subscription, 2 never; 0 at 3.1.1.</summary>
    public int RetainHandling(int index) => Version == MqttVersion.V500 && index < Options.Count ? (Options[index] >> 4) & 0x03 : 0;

    public static SubscribePacket Read(in MqttPacket packet, MqttVersion version = MqttVersion.V311)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.Subscribe);
        var id = r.ReadUInt16();
        if (id == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", "SUBSCRIBE with packet identifier 0");
        }

        var v5 = version == MqttVersion.V500;
        var properties = v5 ? MqttProperties.Read(r.ReadPropertySection(), MqttPacketType.Subscribe) : null;

        var list = new List<(string, MqttQos)>();
        var optionBytes = new List<byte>();
        while (r.Remaining > 0)
        {
            var filter = r.ReadString();
            MqttTopic.ValidateTopicFilter(filter);
            var options = r.ReadByte();
            var qos = v5 ? options & 0x03 : options;
            if (qos > 2)
            {
                MqttProtocolException.Throw(MqttErrorCode.InvalidQos, "[MQTT-3.8.3-4]", $"requested QoS byte 0x{options:X2} is invalid");
            }

            if (v5 && ((options & 0xC0) != 0 || (options & 0x30) == 0x30))
            {
                MqttProtocolException.Throw(MqttErrorCode.ReservedFlags, "[MQTT-3.8.3-5]", $"subscription options 0x{options:X2} set reserved bits or retain handling 3");
            }

            list.Add((filter, (MqttQos)qos));
            optionBytes.Add(options);
        }

        if (list.Count == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptySubscription, "[MQTT-3.8.3-3]", "SUBSCRIBE without a topic filter");
        }

        return new SubscribePacket(id, list) { Version = version, Properties = properties, Options = optionBytes };
    }

    public void Write(IBufferWriter<byte> writer)
    {
        if (Subscriptions.Count == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptySubscription, "[MQTT-3.8.3-3]", "SUBSCRIBE without a topic filter");
        }

        foreach (var s in Subscriptions)
        {
            MqttTopic.ValidateTopicFilter(s.Filter);
        }

        var filters = Subscriptions.Select(s => Encoding.UTF8.GetBytes(s.Filter)).ToArray();
        var v5 = Version == MqttVersion.V500;
        var remaining = 2 + (v5 ? MqttProperties.SectionSize(Properties) : 0) + filters.Sum(f => 2 + f.Length + 1);
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.Subscribe, 0b0010, remaining);
        w.UInt16(PacketId);
        if (v5)
        {
            MqttProperties.WriteSection(ref w, Properties);
        }

        for (var i = 0; i < filters.Length; i++)
        {
            w.LengthPrefixed(filters[i]);
            w.Byte((byte)Subscriptions[i].Qos);
        }

        writer.Advance(w.Position);
    }
}
