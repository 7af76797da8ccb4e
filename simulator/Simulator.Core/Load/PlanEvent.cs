namespace Simulator.Core.Load;

/// <summary>A planned start (+1) or stop (−1) of one device, <see cref="At"/> seconds into the run.</summary>
public readonly record struct PlanEvent(double At, int Delta);
