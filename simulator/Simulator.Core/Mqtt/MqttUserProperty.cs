namespace Simulator.Core.Mqtt;

/// <summary>A User Property (MQTT 5.0 §3.1.2.11.8): a UTF-8 string pair; names may repeat and order is kept.</summary>
internal readonly record struct MqttUserProperty(string Name, string Value);
