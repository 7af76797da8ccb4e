using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>One session's subscription to one filter; <paramref name="NoLocal"/> (MQTT 5 §3.8.3.1): none of its own client id's messages.</summary>
public sealed record Subscription(MqttServerSession Session, string Filter, MqttQos Qos, bool NoLocal = false);
