namespace Simulator.Core.Load;

/// <summary>
/// Every move a device may make, in one table the supervisor enforces. A move the table does not
/// allow is a bug in a device: it throws, so the device counts as crashed and the run's accounting
/// fails instead of the states drifting quietly.
/// <code>
/// from        to
/// Connecting  Connected   the attempt's CONNACK (or first HTTPS / REST answer)
/// Connecting  BackingOff  the attempt failed
/// Connecting  GivenUp     it failed the configured number of times in a row
/// Connected   Connecting  the session ended as planned (its length): reconnect at once
/// Connected   BackingOff  the session was lost
/// Connected   Sleeping    a duty-cycled device's wake is done: it disconnected and sleeps
/// Connecting  Sleeping    a duty-cycled device's first sleep, before its first wake (no attempt open)
/// BackingOff  Connecting  the backoff elapsed
/// Sleeping    Connecting  the device wakes
/// GivenUp     (none)      it waits for the run's stop
/// </code>
/// </summary>
internal static class DeviceTransitions
{
    private static readonly DeviceState[][] Allowed =
    [
        /* Connecting */ [DeviceState.Connected, DeviceState.BackingOff, DeviceState.GivenUp, DeviceState.Sleeping],
        /* Connected  */ [DeviceState.Connecting, DeviceState.BackingOff, DeviceState.Sleeping],
        /* BackingOff */ [DeviceState.Connecting],
        /* GivenUp    */ [],
        /* Sleeping   */ [DeviceState.Connecting],
    ];

    public static bool IsAllowed(DeviceState from, DeviceState to) => from == to || Allowed[(int)from].Contains(to);
}
