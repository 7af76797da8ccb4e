namespace Simulator.Gateway.Broker;

/// <summary>An MQTT 5 Will waiting out its Will Delay Interval (v5 §3.1.3.2.2); a resumed session cancels it.</summary>
internal sealed record PendingWill(MqttServerSession Session, WillMessage Will, CancellationTokenSource Cancel);
