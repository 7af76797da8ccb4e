namespace Simulator.Core.Load.Profiles;

/// <summary>
/// One load phase, in NBomber's vocabulary: "ramp" to <see cref="To"/> devices at <see cref="Rate"/>
/// per second, "hold" for <see cref="Seconds"/>, "spike" (jump to <see cref="To"/> at once, then
/// hold <see cref="Seconds"/>), "rampDown" to <see cref="To"/> (default 0) at <see cref="Rate"/>, "pause",
/// and "arrivals": for <see cref="Seconds"/>, <see cref="Rate"/> devices a second arrive, connect once,
/// hold their session (device.sessionSeconds) and leave, beside the standing fleet (an open model of
/// connects, as a capacity step offers them).
/// A ramp's or spike's <see cref="To"/> defaults to the fleet size.
/// </summary>
public sealed class PhaseSettings
{
    public PhaseKind Kind { get; set; } = PhaseKind.Hold;

    public int? To { get; set; }

    public double? Rate { get; set; }

    public double? Seconds { get; set; }
}
