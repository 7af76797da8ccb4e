using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>One session's subscription to one filter.</summary>
public sealed record Subscription(MqttServerSession Session, string Filter, MqttQos Qos);
