namespace Simulator.Core.Load;

/// <summary>
/// The fleet at one instant, taken under the supervisor's lock, with the checks that can fail:
/// each live device's own state against the state counters; attempts opened (counted by the
/// supervisor) against attempt outcomes (counted by the metrics); devices started against ended.
/// </summary>
internal sealed record FleetCensus(
    long Live,
    long Connecting,
    long Connected,
    long BackingOff,
    long GivenUp,
    bool StatesMatchDevices,
    long AttemptsStarted,
    long AttemptsEnded,
    long DevicesStarted,
    long DevicesEnded,
    long DevicesCrashed,
    long Sleeping = 0)
{
    /// <summary>Attempts opened and not yet ended.</summary>
    public long AttemptsInFlight => AttemptsStarted - AttemptsEnded;

    /// <summary>
    /// Holds when the state counters match the devices' own states, no outcome was counted twice,
    /// every open attempt belongs to a connecting device, and every started device is live or ended.
    /// </summary>
    public bool Holds =>
        StatesMatchDevices
        && AttemptsInFlight >= 0
        && AttemptsInFlight <= Connecting
        && Live == Connecting + Connected + BackingOff + GivenUp + Sleeping
        && DevicesStarted == Live + DevicesEnded + DevicesCrashed;

    /// <summary>What broke, in words, or null.</summary>
    public string? Problem =>
        Holds ? null
        : !StatesMatchDevices ? "device states and state counters disagree"
        : AttemptsInFlight < 0 ? $"{-AttemptsInFlight} attempt outcome(s) counted more than once"
        : AttemptsInFlight > Connecting ? $"{AttemptsInFlight - Connecting} attempt(s) lost: opened but never ended with an outcome"
        : Live != Connecting + Connected + BackingOff + GivenUp + Sleeping ? $"{Live} live devices but {Connecting + Connected + BackingOff + GivenUp + Sleeping} in the state counters"
        : $"{DevicesStarted} devices started but {Live} live + {DevicesEnded} ended + {DevicesCrashed} crashed";
}
