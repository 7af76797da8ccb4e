namespace Simulator.Core.Mqtt;

/// <summary>Why a byte sequence is not valid MQTT 3.1.1. Each maps to one rule of the spec.</summary>
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
}
