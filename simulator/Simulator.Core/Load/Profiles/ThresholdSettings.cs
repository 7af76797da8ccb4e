namespace Simulator.Core.Load.Profiles;

/// <summary>Pass/fail gates; a breach makes the exit code 1.</summary>
/// <param name="ConnectP99Ms">Connect latency p99 (from the planned arrival), at most.</param>
/// <param name="ConnectP50Ms">Connect latency p50, at most.</param>
/// <param name="ErrorRate">Failed attempts / all attempts, 0..1, at most.</param>
/// <param name="MinConnectedShare">Share of devices that must be in service at the end of the last hold, 0..1: connected; on a duty cycle also asleep or connecting on a wake.</param>
/// <param name="PubAckP99Ms">PUBLISH to PUBACK p99, at most.</param>
/// <param name="MaxGeneratorCpu">Fail the run if the generator's process CPU (percent of all cores) stays above this for more than 5 s.</param>
/// <param name="MaxSchedulerLagMs">Fail the run if the generator's scheduler lag p99 stays above this for more than 5 s.</param>
/// <param name="DeliveryP99Ms">Fan-in delivery p99 (a device's PUBLISH to a backend consumer's receipt), at most; needs consumers.</param>
/// <param name="ConsumerLossRate">Messages no consumer got over all that should have arrived, 0..1, at most; needs consumers.</param>
/// <param name="CommandP99Ms">Cloud-to-device command latency p99 (the backend's PUBLISH to the device's receipt), at most; needs commands.</param>
internal sealed record ThresholdSettings(
    double? ConnectP99Ms = null,
    double? ConnectP50Ms = null,
    double? ErrorRate = null,
    double? MinConnectedShare = null,
    double? PubAckP99Ms = null,
    double? MaxGeneratorCpu = null,
    double? MaxSchedulerLagMs = null,
    double? DeliveryP99Ms = null,
    double? ConsumerLossRate = null,
    double? CommandP99Ms = null)
{
    /// <summary>
    /// What a profile without a thresholds section is judged by: at most 1 % of attempts failed,
    /// and, when its plan holds, at least 99 % of the planned devices connected at the end of the
    /// last hold (a plan of visits alone ends with its devices gone, as planned).
    /// </summary>
    public static ThresholdSettings DefaultsFor(IReadOnlyList<PhaseSettings> phases) =>
        new() { ErrorRate = 0.01, MinConnectedShare = phases.Any(p => p.Kind == PhaseKind.Hold) ? 0.99 : null };

    /// <summary>No threshold set: an explicit empty thresholds section.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => ConnectP99Ms is null && ConnectP50Ms is null && ErrorRate is null && MinConnectedShare is null && PubAckP99Ms is null && MaxGeneratorCpu is null && MaxSchedulerLagMs is null && DeliveryP99Ms is null && ConsumerLossRate is null && CommandP99Ms is null;
}
