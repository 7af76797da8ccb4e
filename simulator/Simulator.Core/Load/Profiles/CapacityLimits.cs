namespace Simulator.Core.Load.Profiles;

/// <summary>What makes a capacity step bad: any one limit broken.</summary>
public sealed class CapacityLimits
{
    /// <summary>Failed attempts (throttles, denials, timeouts, attempts still open at the step's end) over all attempts.</summary>
    public double ErrorRate { get; set; } = 0.01;

    /// <summary>Connect latency p99 from the planned arrival to CONNACK.</summary>
    public double ConnectP99Ms { get; set; } = 2000;

    /// <summary>Successful connects per second over offered; below it the target (or the generator) did not keep up.</summary>
    public double MinAchievedShare { get; set; } = 0.95;
}
