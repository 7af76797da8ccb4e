using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>The run's cloud-to-device commands.</summary>
[Description("Cloud-to-device commands (the profile's commands section): sent by a backend publisher to connected devices' command topics, and received. Their latency is histograms.command.")]
public sealed record CommandSummary
{
    [Description("The rate they were sent at, over the fleet.")]
    public required double RatePerSecond { get; init; }

    [Description("A device's command topic, {id} for its client id.")]
    public required string Topic { get; init; }

    [Description("Commands the backend published (at QoS 1, with the target's PUBACK).")]
    public required long Sent { get; init; }

    [Description("Commands devices received.")]
    public required long Received { get; init; }

    [Description("Sent and never received: the device's session ended first, or the command was lost.")]
    public required long Missed { get; init; }

    [Description("missed / sent.")]
    public required double MissRate { get; init; }
}
