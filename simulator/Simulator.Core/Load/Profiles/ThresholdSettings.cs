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
}
