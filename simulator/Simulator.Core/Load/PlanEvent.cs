namespace Simulator.Core.Load;

/// <summary>
/// A planned start (+1) or stop (−1) of one device, <see cref="At"/> seconds into the run. A
/// <see cref="Visit"/> starts a device that connects once, holds its session and leaves by itself.
/// </summary>
internal readonly record struct PlanEvent(double At, int Delta, bool Visit = false);
