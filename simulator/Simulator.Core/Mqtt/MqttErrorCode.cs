namespace Simulator.Core.Mqtt;

/// <summary>Why a byte sequence is not valid MQTT 3.1.1 or 5.0. Each maps to one rule of the spec.</summary>
public enum MqttErrorCode
{
    MalformedRemainingLength = 1,
    PacketTooLarge,
    ReservedPacketType,
    ReservedFlags,
    MalformedPacket,
    InvalidUtf8,
    NullCharacter,
    InvalidProtocolName,
    UnsupportedProtocolLevel,
    ReservedConnectFlag,
    InvalidWillFlags,
    PasswordWithoutUsername,
    InvalidQos,
    DupOnQos0,
    WildcardInTopicName,
    EmptyTopic,
    InvalidTopicFilter,
    ZeroPacketIdentifier,
    EmptySubscription,
    InvalidSubAckCode,
    UnknownConnAckCode,
    UnexpectedPacket,

    /// <summary>A UTF-8 string field over 65,535 bytes cannot be length-prefixed [MQTT-1.5.3].</summary>
    StringTooLong,

    /// <summary>A variable byte integer of more than four bytes (v5 §1.5.5).</summary>
    MalformedVariableByteInteger,

    /// <summary>A property identifier the table of v5 §2.2.2.2 does not have.</summary>
    UnknownProperty,

    /// <summary>A property the packet may not carry (v5 §2.2.2.2).</summary>
    PropertyNotAllowed,

    /// <summary>A property sent twice that may appear once (v5 §2.2.2.2).</summary>
    DuplicateProperty,

    /// <summary>A property value outside what its section allows (e.g. Receive Maximum 0, v5 §3.1.2.11.3).</summary>
    InvalidPropertyValue,

    /// <summary>A reason code the packet may not carry (v5 §2.4).</summary>
    InvalidReasonCode,

    /// <summary>A Topic Alias of 0, above the maximum, or unknown with an empty topic (v5 §3.3.2.3.4).</summary>
    TopicAliasInvalid,
}
