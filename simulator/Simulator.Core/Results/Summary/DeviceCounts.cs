using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>The devices block: the fleet, the plan's peak, and what became of the devices started.</summary>
[Description("The fleet, the plan's peak, and what became of the devices started.")]
public sealed record DeviceCounts
{
    [Description("Identities in the fleet (this shard's, on a shard).")]
    public required long Fleet { get; init; }

    [Description("The plan's peak device count.")]
    public required long Planned { get; init; }

    public required long PeakConnected { get; init; }

    [Description("In service at the end of the last hold (the last second without a hold): connected; on a duty cycle also asleep or connecting on a wake.")]
    public required long ConnectedAtLastHold { get; init; }

    public required long Started { get; init; }

    public required long Ended { get; init; }

    public required long Crashed { get; init; }

    [Description("Devices that did not stop when the run asked them to.")]
    public required long NotStopped { get; init; }
}
