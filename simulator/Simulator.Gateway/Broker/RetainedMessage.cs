using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>A topic's retained message: its body, QoS and (v5) the publisher's properties as subscribers get them.</summary>
internal sealed record RetainedMessage(string Topic, byte[] Payload, MqttQos Qos, byte[] Properties);
