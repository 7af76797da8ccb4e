using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Simulator.Core.Mqtt;

/// <summary>
/// Reads the fields of a packet body (§1.5): two- and four-byte integers, length-prefixed UTF-8
/// strings, and MQTT 5.0's variable byte integers (v5 §1.5.5) and property sections (v5 §2.2.2).
/// </summary>
internal ref struct MqttBodyReader
{
    private SequenceReader<byte> _reader;
    private readonly MqttPacketType _type;

    public MqttBodyReader(ReadOnlySequence<byte> body, MqttPacketType type)
    {
        _reader = new SequenceReader<byte>(body);
        _type = type;
    }

    public readonly long Remaining => _reader.Remaining;

    public readonly ReadOnlySequence<byte> Rest => _reader.UnreadSequence;

    public byte ReadByte()
    {
        if (!_reader.TryRead(out var b))
        {
            Truncated();
        }

        return b;
    }

    public ushort ReadUInt16()
    {
        if (!_reader.TryReadBigEndian(out short v))
        {
            Truncated();
        }

        return (ushort)v;
    }

    public uint ReadUInt32()
    {
        if (!_reader.TryReadBigEndian(out int v))
        {
            Truncated();
        }

        return (uint)v;
    }

    /// <summary>v5 §1.5.5: seven bits a byte, least significant first, at most four bytes.</summary>
    public int ReadVariableByteInteger()
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = ReadByte();
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        MqttProtocolException.Throw(MqttErrorCode.MalformedVariableByteInteger, "[MQTT-1.5.5-1]", $"{_type} has a variable byte integer of more than four bytes");
        return 0;
    }

    /// <summary>A property section (v5 §2.2.2.1): its length, then that many bytes, returned unparsed.</summary>
    public ReadOnlySequence<byte> ReadPropertySection()
    {
        var length = ReadVariableByteInteger();
        if (_reader.Remaining < length)
        {
            Truncated();
        }

        var slice = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return slice;
    }

    /// <summary>A length-prefixed field as raw bytes (§1.5.3 strings, §3.1.3.5 password).</summary>
    public ReadOnlySequence<byte> ReadLengthPrefixed()
    {
        var length = ReadUInt16();
        if (_reader.Remaining < length)
        {
            Truncated();
        }

        var slice = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return slice;
    }

    /// <summary>A UTF-8 string field, checked per [MQTT-1.5.3-1] and [MQTT-1.5.3-2], without allocating.</summary>
    public ReadOnlySequence<byte> ReadUtf8()
    {
        var bytes = ReadLengthPrefixed();
        ValidateUtf8(bytes);
        return bytes;
    }

    /// <summary>A UTF-8 string field as a string (allocates; for CONNECT and SUBSCRIBE, not the PUBLISH path).</summary>
    public string ReadString()
    {
        var bytes = ReadUtf8();
        return Encoding.UTF8.GetString(bytes);
    }

    public static void ValidateUtf8(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            ValidateUtf8(bytes.FirstSpan);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)bytes.Length);
        try
        {
            bytes.CopyTo(rented);
            ValidateUtf8(rented.AsSpan(0, (int)bytes.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static void ValidateUtf8(ReadOnlySpan<byte> bytes)
    {
        if (!Utf8.IsValid(bytes))
        {
            MqttProtocolException.Throw(MqttErrorCode.InvalidUtf8, "[MQTT-1.5.3-1]", "string is not well-formed UTF-8");
        }

        if (bytes.IndexOf((byte)0) >= 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.NullCharacter, "[MQTT-1.5.3-2]", "string contains U+0000");
        }
    }

    public readonly void ExpectEnd()
    {
        if (_reader.Remaining != 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.MalformedPacket, "[MQTT-2.2.3]", $"{_type} has {_reader.Remaining} bytes beyond its fields");
        }
    }

    private readonly void Truncated() =>
        MqttProtocolException.Throw(MqttErrorCode.MalformedPacket, "[MQTT-2.2.3]", $"{_type} ends before its fields do");
}
