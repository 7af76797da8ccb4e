using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// MQTT 3.1.1 §2.2 fixed header. Reading works over <see cref="ReadOnlySequence{T}"/> and returns
/// false for "need more data"; the maximum packet size is enforced as soon as the remaining
/// length is known, before a byte of the body is buffered.
/// <code>
/// Bit    |  7  6  5  4  |  3  2  1  0
/// byte 1 | packet type  |  flags
/// byte 2…| remaining length (1 to 4 bytes, 7 bits each, LSB first)
/// </code>
/// </summary>
internal static class MqttFraming
{
    /// <summary>AWS IoT Core's message size limit (A.5), our default.</summary>
    public const int DefaultMaxPacketSize = 128 * 1024;

    /// <summary>§2.2.3: four bytes encode at most 268,435,455.</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <summary>
    /// Takes one whole packet from the front of <paramref name="buffer"/> and advances it past the
    /// packet. Returns false, leaving <paramref name="buffer"/> as it was, when more bytes are needed.
    /// </summary>
    /// <exception cref="MqttProtocolException">Bad remaining length, a packet over the limit, or reserved type/flags.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPacketSize, out MqttPacket packet) =>
        TryRead(ref buffer, maxPacketSize, MqttVersion.V311, out packet);

    /// <summary>As above; type 15 is AUTH at level 5 (v5 §2.1.2) and reserved at level 4.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPacketSize, MqttVersion version, out MqttPacket packet)
    {
        packet = default;
        if (buffer.IsEmpty)
        {
            return false;
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.TryRead(out var first);
        var type = (MqttPacketType)(first >> 4);
        var flags = (byte)(first & 0x0F);
        if (type == 0 || (type == MqttPacketType.Auth && version != MqttVersion.V500))
        {
            MqttProtocolException.Throw(MqttErrorCode.ReservedPacketType, "[MQTT-2.2.1]", $"packet type {(int)type} is reserved");
        }

        CheckFlags(type, flags);

        var remaining = 0;
        var multiplier = 1;
        for (var i = 0; ; i++)
        {
            if (!reader.TryRead(out var b))
            {
                return false;
            }

            remaining += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0)
            {
                break;
            }

            if (i == 3)
            {
                MqttProtocolException.Throw(MqttErrorCode.MalformedRemainingLength, "[MQTT-2.2.3]", "remaining length uses more than four bytes");
            }

            multiplier *= 128;
        }

        var headerLength = (int)reader.Consumed;
        if ((long)headerLength + remaining > maxPacketSize)
        {
            MqttProtocolException.Throw(MqttErrorCode.PacketTooLarge, "[MQTT-2.2.3]", $"packet of {headerLength + (long)remaining} bytes exceeds the limit of {maxPacketSize}");
        }

        if (reader.Remaining < remaining)
        {
            return false;
        }

        packet = new MqttPacket(type, flags, buffer.Slice(headerLength, remaining));
        buffer = buffer.Slice(headerLength + remaining);
        return true;
    }

    /// <summary>Bytes the remaining-length field takes for a value.</summary>
    public static int RemainingLengthSize(int remaining) => remaining switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    /// <summary>Writes the fixed header into <paramref name="span"/> and returns its length.</summary>
    public static int WriteFixedHeader(Span<byte> span, MqttPacketType type, byte flags, int remaining)
    {
        if ((uint)remaining > MaxRemainingLength)
        {
            throw new ArgumentOutOfRangeException(nameof(remaining), "MQTT packets are at most 268,435,455 bytes");
        }

        span[0] = (byte)(((byte)type << 4) | flags);
        var i = 1;
        do
        {
            var b = (byte)(remaining % 128);
            remaining /= 128;
            if (remaining > 0)
            {
                b |= 0x80;
            }

            span[i++] = b;
        }
        while (remaining > 0);
        return i;
    }

    /// <summary>§2.2.2 Table 2.2: fixed flags per type; PUBLISH's are checked by its decoder.</summary>
    private static void CheckFlags(MqttPacketType type, byte flags)
    {
        var expected = type switch
        {
            MqttPacketType.Publish => flags,
            MqttPacketType.PubRel or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe => (byte)0b0010,
            _ => (byte)0,
        };
        if (flags != expected)
        {
            var rule = type switch
            {
                MqttPacketType.PubRel => "[MQTT-3.6.1-1]",
                MqttPacketType.Subscribe => "[MQTT-3.8.1-1]",
                MqttPacketType.Unsubscribe => "[MQTT-3.10.1-1]",
                _ => "[MQTT-2.2.2-1]",
            };
            MqttProtocolException.Throw(MqttErrorCode.ReservedFlags, rule, $"{type} has reserved flags 0x{flags:X1}, expected 0x{expected:X1}");
        }
    }
}
