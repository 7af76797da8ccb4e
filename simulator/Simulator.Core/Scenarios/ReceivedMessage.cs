using Simulator.Core.Mqtt;

namespace Simulator.Core.Scenarios;

/// <summary>A message a device received, copied out of the receive buffer so a scenario may keep it.</summary>
/// <param name="Topic">The topic it was published on.</param>
/// <param name="Payload">Its payload.</param>
/// <param name="Qos">The QoS it was delivered at.</param>
/// <param name="Retain">Whether the server sent it as a retained message.</param>
public sealed record ReceivedMessage(string Topic, ReadOnlyMemory<byte> Payload, MqttQos Qos, bool Retain);
