namespace Simulator.Core.Load.Profiles;

/// <summary>Pass/fail gates; a breach makes the exit code 1.</summary>
public sealed class ThresholdSettings
{
    /// <summary>
    /// What a profile without a thresholds section is judged by: at most 1 % of attempts failed,
    /// and, when its plan holds, at least 99 % of the planned devices connected at the end of the
    /// last hold (a plan of visits alone ends with its devices gone, as planned).
    /// </summary>
    public static ThresholdSettings DefaultsFor(RunProfile profile) =>
        new() { ErrorRate = 0.01, MinConnectedShare = profile.Phases.Any(p => p.Kind == PhaseKind.Hold) ? 0.99 : null };

    /// <summary>No threshold set: an explicit empty thresholds section.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => ConnectP99Ms is null && ConnectP50Ms is null && ErrorRate is null && MinConnectedShare is null && PubAckP99Ms is null && MaxGeneratorCpu is null && MaxSchedulerLagMs is null;

    public double? ConnectP99Ms { get; set; }

    public double? ConnectP50Ms { get; set; }

    /// <summary>Failed attempts / all attempts, 0..1.</summary>
    public double? ErrorRate { get; set; }

    /// <summary>Share of devices that must be connected at the end of the last hold, 0..1.</summary>
    public double? MinConnectedShare { get; set; }

    public double? PubAckP99Ms { get; set; }

    /// <summary>Fail the run if the generator's process CPU (percent of all cores) stays above this for more than 5 s.</summary>
    public double? MaxGeneratorCpu { get; set; }

    /// <summary>Fail the run if the generator's scheduler lag p99 stays above this for more than 5 s.</summary>
    public double? MaxSchedulerLagMs { get; set; }
}
