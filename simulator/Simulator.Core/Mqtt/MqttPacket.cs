using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// A framed packet: the type and flags of the fixed header (§2.2) and the body (variable header
/// and payload). The body is a slice of the reader's buffer, valid until the buffer is advanced.
/// </summary>
internal readonly struct MqttPacket
{
    public MqttPacket(MqttPacketType type, byte flags, ReadOnlySequence<byte> body)
    {
        Type = type;
        Flags = flags;
        Body = body;
    }

    public MqttPacketType Type { get; }

    /// <summary>Bits 3-0 of the first byte.</summary>
    public byte Flags { get; }

    public ReadOnlySequence<byte> Body { get; }
}
