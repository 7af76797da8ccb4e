namespace Simulator.Core.Mqtt;

/// <summary>The protocol level a CONNECT carries: 4 is MQTT 3.1.1 (§3.1.2.2), 5 is MQTT 5.0 (v5 §3.1.2.2).</summary>
public enum MqttVersion : byte
{
    V311 = 4,
    V500 = 5,
}
