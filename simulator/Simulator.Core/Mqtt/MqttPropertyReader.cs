using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// Walks one property section (MQTT 5.0 §2.2.2.2) without allocating: each property's identifier
/// and value, checked against the packet that carries it (allowed, not repeated unless it may be,
/// well-formed UTF-8, values in range). Strings and binary data are slices of the section.
/// </summary>
internal ref struct MqttPropertyReader
{
    private MqttBodyReader _reader;
    private readonly MqttPacketType _packet;
    private readonly int _packetBit;
    private ulong _seen;

    public MqttPropertyReader(ReadOnlySequence<byte> section, MqttPacketType packet, bool will = false)
    {
        _reader = new MqttBodyReader(section, packet);
        _packet = packet;
        _packetBit = will ? MqttPropertyTable.Will : (int)packet;
    }

    public MqttPropertyId Id { get; private set; }

    /// <summary>The value of a Byte, Two Byte, Four Byte or Variable Byte Integer property.</summary>
    public uint Number { get; private set; }

    /// <summary>A string's or binary's bytes; a User Property's name.</summary>
    public ReadOnlySequence<byte> Bytes { get; private set; }

    /// <summary>A User Property's value.</summary>
    public ReadOnlySequence<byte> Value { get; private set; }

    public bool MoveNext()
    {
        if (_reader.Remaining == 0)
        {
            return false;
        }

        var id = (byte)_reader.ReadVariableByteInteger(); // every identifier fits one byte (§2.2.2.2)
        if (!MqttPropertyTable.TryGet(id, out var type, out var packets))
        {
            MqttProtocolException.Throw(MqttErrorCode.UnknownProperty, "[MQTT-2.2.2.2]", $"{_packet} carries unknown property 0x{id:X2}");
        }

        Id = (MqttPropertyId)id;
        if ((packets & (1 << _packetBit)) == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.PropertyNotAllowed, "[MQTT-2.2.2.2]", $"{(_packetBit == MqttPropertyTable.Will ? "the Will" : _packet.ToString())} may not carry {Id}");
        }

        var bit = 1UL << id;
        if ((_seen & bit) != 0 && !MqttPropertyTable.MayRepeat(Id, _packet))
        {
            MqttProtocolException.Throw(MqttErrorCode.DuplicateProperty, "[MQTT-2.2.2.2]", $"{_packet} carries {Id} twice");
        }

        _seen |= bit;
        Bytes = default;
        Value = default;
        Number = 0;
        switch (type)
        {
            case MqttPropertyType.Byte:
                Number = _reader.ReadByte();
                if (Number > 1)
                {
                    Invalid();
                }

                break;
            case MqttPropertyType.TwoByteInteger:
                Number = _reader.ReadUInt16();
                if (Number == 0 && Id is MqttPropertyId.ReceiveMaximum or MqttPropertyId.TopicAlias)
                {
                    Invalid();
                }

                break;
            case MqttPropertyType.FourByteInteger:
                Number = _reader.ReadUInt32();
                if (Number == 0 && Id == MqttPropertyId.MaximumPacketSize)
                {
                    Invalid();
                }

                break;
            case MqttPropertyType.VariableByteInteger:
                Number = (uint)_reader.ReadVariableByteInteger();
                if (Number == 0)
                {
                    Invalid(); // a Subscription Identifier of 0 is a protocol error (§3.8.2.1.2)
                }

                break;
            case MqttPropertyType.Utf8String:
                Bytes = _reader.ReadUtf8();
                break;
            case MqttPropertyType.BinaryData:
                Bytes = _reader.ReadLengthPrefixed();
                break;
            default:
                Bytes = _reader.ReadUtf8();
                Value = _reader.ReadUtf8();
                break;
        }

        return true;
    }

    private readonly void Invalid() =>
        MqttProtocolException.Throw(MqttErrorCode.InvalidPropertyValue, "[MQTT-2.2.2.2]", $"{_packet} carries {Id} = {Number}, which its section does not allow");
}
