namespace Simulator.Core.Mqtt;

/// <summary>The data representations of MQTT 5.0 §1.5 that properties use.</summary>
internal enum MqttPropertyType : byte
{
    Byte,
    TwoByteInteger,
    FourByteInteger,
    VariableByteInteger,
    Utf8String,
    BinaryData,
    Utf8StringPair,
}
