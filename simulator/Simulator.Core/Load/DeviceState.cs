namespace Simulator.Core.Load;

/// <summary>Where a started device is. Devices = Connecting + Connected + BackingOff + GivenUp + Sleeping at every moment.</summary>
public enum DeviceState
{
    Connecting,
    Connected,
    BackingOff,
    GivenUp,

    /// <summary>A duty-cycled device between wakes: no connection, no attempt, and in service.</summary>
    Sleeping,
}
