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
/// BackingOff  Connecting  the backoff elapsed
/// GivenUp     (none)      it waits for the run's stop
/// </code>
/// </summary>
internal static class DeviceTransitions
{
    private static readonly DeviceState[][] Allowed =
    [
        /* Connecting */ [DeviceState.Connected, DeviceState.BackingOff, DeviceState.GivenUp],
        /* Connected  */ [DeviceState.Connecting, DeviceState.BackingOff],
        /* BackingOff */ [DeviceState.Connecting],
        /* GivenUp    */ [],
    ];

    public static bool IsAllowed(DeviceState from, DeviceState to) => from == to || Allowed[(int)from].Contains(to);
}
