namespace Simulator.Core.Mqtt.Client;

/// <summary>Called on the receive loop for each inbound PUBLISH; the packet's slices are valid only during the call.</summary>
internal delegate void MqttMessageHandler(in PublishPacket message);
