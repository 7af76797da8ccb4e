using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>The run's backend consumers: what they got of the fleet's messages.</summary>
[Description("Backend consumers (the profile's consumers section): what they got of the devices' messages, each known by its device and body. Their fan-in delivery time is histograms.delivery.")]
public sealed record ConsumerSummary
{
    [Description("Consumer connections.")]
    public required int Count { get; init; }

    [Description("The filter they subscribed to, e.g. \"$share/fleet-backend/+/telemetry\".")]
    public required string Topic { get; init; }

    [Description("Device messages a consumer got, each once.")]
    public required long Received { get; init; }

    [Description("Device messages a consumer got again (a redelivery, or one message to two members of a group).")]
    public required long Duplicates { get; init; }

    [Description("Messages a consumer got that are not among their device's last 64: far too late, or not this run's.")]
    public required long Unknown { get; init; }

    [Description("Messages a device had its PUBACK for (or sent, at QoS 0) that no consumer got within the device's next 64 messages or by the run's end.")]
    public required long Lost { get; init; }

    [Description("lost / (received + lost).")]
    public required double LossRate { get; init; }

    [Description("Consumer connections that ended before the run did.")]
    public required long DroppedConnections { get; init; }
}
