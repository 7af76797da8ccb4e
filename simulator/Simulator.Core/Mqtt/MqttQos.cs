namespace Simulator.Core.Mqtt;

/// <summary>MQTT 3.1.1 §4.3 quality of service. AWS IoT Core supports 0 and 1.</summary>
public enum MqttQos : byte
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}
