namespace Simulator.Core.Load.Profiles;

/// <summary>What makes a capacity step bad: any one limit broken.</summary>
/// <param name="ErrorRate">Failed attempts (throttles, denials, timeouts, attempts still open at the step's end) over all attempts.</param>
/// <param name="ConnectP99Ms">Connect latency p99 from the planned arrival to CONNACK.</param>
/// <param name="MinAchievedShare">Successful connects per second over offered; below it the target (or the generator) did not keep up.</param>
internal sealed record CapacityLimits(double ErrorRate = 0.01, double ConnectP99Ms = 2000, double MinAchievedShare = 0.95);
