namespace Simulator.Core.Load.Profiles;

/// <summary>Pass/fail gates; a breach makes the exit code 1.</summary>
public sealed class ThresholdSettings
{
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
