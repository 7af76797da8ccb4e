using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>
/// An MQTT 5 session kept after its connection ended, for its Session Expiry Interval (v5 §4.1):
/// the subscriptions a reconnect with Clean Start 0 gets back, with Session Present set.
/// </summary>
internal sealed record PersistedSession(IReadOnlyDictionary<string, MqttQos> Filters, DateTimeOffset ExpiresAt);
