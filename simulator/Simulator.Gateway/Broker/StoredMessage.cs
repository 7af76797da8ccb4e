using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>
/// A QoS 1 message kept for a persistent session: one sent and not acknowledged (its packet id,
/// resent with DUP set, MQTT §4.4), or one that arrived while the device was away (id 0: a new id
/// when it goes out). The payload and properties are copies: the publisher's buffers are gone.
/// <paramref name="StoredAtMs"/> (Unix ms on the broker's clock) is when it began to wait, for its
/// Message Expiry Interval (MQTT 5 §3.3.2.3.3).
/// </summary>
internal readonly record struct StoredMessage(string Topic, byte[] Payload, MqttQos Qos, byte[] Properties, ushort PacketId, long StoredAtMs);
