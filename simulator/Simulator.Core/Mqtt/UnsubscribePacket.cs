using System.Buffers;
using System.Text;

namespace Simulator.Core.Mqtt;

/// <summary>
/// UNSUBSCRIBE, MQTT 3.1.1 §3.10: <c>A2 | remaining | packet id (2) | filter (UTF-8)+</c>. MQTT 5.0
/// §3.10 adds a property section after the packet id.
/// </summary>
internal sealed record UnsubscribePacket(ushort PacketId, IReadOnlyList<string> Filters)
{
    public MqttVersion Version { get; init; }

    public MqttProperties? Properties { get; init; }

    public static UnsubscribePacket Read(in MqttPacket packet, MqttVersion version = MqttVersion.V311)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.Unsubscribe);
        var id = r.ReadUInt16();
        if (id == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]", "UNSUBSCRIBE with packet identifier 0");
        }

        var properties = version == MqttVersion.V500 ? MqttProperties.Read(r.ReadPropertySection(), MqttPacketType.Unsubscribe) : null;

        var list = new List<string>();
        while (r.Remaining > 0)
        {
            var filter = r.ReadString();
            MqttTopic.ValidateTopicFilter(filter);
            list.Add(filter);
        }

        if (list.Count == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptySubscription, "[MQTT-3.10.3-2]", "UNSUBSCRIBE without a topic filter");
        }

        return new UnsubscribePacket(id, list) { Version = version, Properties = properties };
    }

    public void Write(IBufferWriter<byte> writer)
    {
        var filters = Filters.Select(Encoding.UTF8.GetBytes).ToArray();
        var v5 = Version == MqttVersion.V500;
        var remaining = 2 + (v5 ? MqttProperties.SectionSize(Properties) : 0) + filters.Sum(f => 2 + f.Length);
        var w = new MqttBodyWriter(writer.GetSpan(1 + MqttFraming.RemainingLengthSize(remaining) + remaining));
        w.Header(MqttPacketType.Unsubscribe, 0b0010, remaining);
        w.UInt16(PacketId);
        if (v5)
        {
            MqttProperties.WriteSection(ref w, Properties);
        }

        foreach (var f in filters)
        {
            w.LengthPrefixed(f);
        }

        writer.Advance(w.Position);
    }
}
