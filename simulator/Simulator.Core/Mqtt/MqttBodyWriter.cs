using System.Buffers.Binary;

namespace Simulator.Core.Mqtt;

/// <summary>Writes body fields into a span sized in advance. Callers compute lengths first (§1.5, v5 §1.5).</summary>
internal ref struct MqttBodyWriter
{
    private readonly Span<byte> _span;
    private int _position;

    public MqttBodyWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Position => _position;

    public void Header(MqttPacketType type, byte flags, int remaining) =>
        _position += MqttFraming.WriteFixedHeader(_span[_position..], type, flags, remaining);

    public void Byte(byte value) => _span[_position++] = value;

    public void UInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_span[_position..], value);
        _position += 2;
    }

    public void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_span[_position..], value);
        _position += 4;
    }

    /// <summary>v5 §1.5.5; the same encoding as the remaining length.</summary>
    public void VariableByteInteger(int value)
    {
        do
        {
            var b = (byte)(value % 128);
            value /= 128;
            if (value > 0)
            {
                b |= 0x80;
            }

            _span[_position++] = b;
        }
        while (value > 0);
    }

    public void LengthPrefixed(ReadOnlySpan<byte> value)
    {
        // §1.5.3: a two-byte length. A longer value would be cut short and say something else.
        if (value.Length > ushort.MaxValue)
        {
            MqttProtocolException.Throw(MqttErrorCode.StringTooLong, "[MQTT-1.5.3]", $"a string field of {value.Length} bytes is over the 65,535 a two-byte length can carry");
        }

        UInt16((ushort)value.Length);
        Raw(value);
    }

    public void Raw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span[_position..]);
        _position += value.Length;
    }
}
