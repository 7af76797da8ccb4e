namespace Simulator.Core.Mqtt;

/// <summary>Which MQTT 5.0 reason codes each packet may carry (§3.2.2.2, §3.4.2.1, §3.9.3, §3.11.3, §3.14.2.1), and their names.</summary>
internal static class MqttReasonCodes
{
    private static readonly byte[] ConnAck = [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F];
    private static readonly byte[] PubAck = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
    private static readonly byte[] PubRelComp = [0x00, 0x92];
    private static readonly byte[] SubAck = [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2];
    private static readonly byte[] UnsubAck = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
    private static readonly byte[] Disconnect = [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2];

    /// <summary>Whether <paramref name="code"/> is one the spec lets <paramref name="type"/> carry.</summary>
    public static bool IsValid(MqttPacketType type, byte code)
    {
        var allowed = type switch
        {
            MqttPacketType.ConnAck => ConnAck,
            MqttPacketType.PubAck or MqttPacketType.PubRec => PubAck,
            MqttPacketType.PubRel or MqttPacketType.PubComp => PubRelComp,
            MqttPacketType.SubAck => SubAck,
            MqttPacketType.UnsubAck => UnsubAck,
            MqttPacketType.Disconnect => Disconnect,
            _ => [],
        };
        return allowed.AsSpan().IndexOf(code) >= 0;
    }

    /// <summary>Throws MalformedPacket-class errors for a code the packet may not carry (§2.4: the receiver treats it as a protocol error).</summary>
    internal static MqttReasonCode Check(MqttPacketType type, byte code)
    {
        if (!IsValid(type, code))
        {
            MqttProtocolException.Throw(MqttErrorCode.InvalidReasonCode, "[MQTT-2.4]", $"{type} reason code 0x{code:X2} is not one it may carry");
        }

        return (MqttReasonCode)code;
    }

    /// <summary>The failure class a refusal is counted under, e.g. <c>ConnAck:NotAuthorized</c>.</summary>
    public static string FailureClass(MqttPacketType type, MqttReasonCode code) => $"{PacketName(type)}:{Name(code)}";

    /// <summary>The code's name, or its hex value for one the table does not name.</summary>
    public static string Name(MqttReasonCode code) => Enum.IsDefined(code) ? code.ToString() : $"0x{(byte)code:X2}";

    private static string PacketName(MqttPacketType type) => type switch
    {
        MqttPacketType.ConnAck => "ConnAck",
        MqttPacketType.PubAck => "PubAck",
        MqttPacketType.SubAck => "SubAck",
        MqttPacketType.UnsubAck => "UnsubAck",
        MqttPacketType.Disconnect => "Disconnect",
        _ => type.ToString(),
    };
}
