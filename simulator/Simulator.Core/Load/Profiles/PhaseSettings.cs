namespace Simulator.Core.Load.Profiles;

/// <summary>
/// One load phase, in NBomber's vocabulary: "ramp" to <paramref name="To"/> devices at <paramref name="Rate"/>
/// per second, "hold" for <paramref name="Seconds"/>, "spike" (jump to <paramref name="To"/> at once, then
/// hold <paramref name="Seconds"/>), "rampDown" to <paramref name="To"/> (default 0) at <paramref name="Rate"/>, "pause",
/// and "arrivals": for <paramref name="Seconds"/>, <paramref name="Rate"/> devices a second arrive, connect once,
/// hold their session (device.sessionSeconds) and leave, beside the standing fleet (an open model of
/// connects, as a capacity step offers them).
/// "outage": for <paramref name="Seconds"/>, the radio links of <paramref name="Share"/> of the fleet (default
/// all; a share is the sector of the lowest device indices, as one cell serves one block) are down.
/// A ramp's or spike's <paramref name="To"/> defaults to the fleet size.
/// </summary>
internal sealed record PhaseSettings(PhaseKind Kind = PhaseKind.Hold, int? To = null, double? Rate = null, double? Seconds = null, double? Share = null);
