using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>What a session holds for one filter, and hands on when it is kept or taken over: the granted QoS and No Local (MQTT 5 §3.8.3.1).</summary>
internal readonly record struct GrantedFilter(MqttQos Qos, bool NoLocal);
