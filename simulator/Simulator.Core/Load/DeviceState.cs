namespace Simulator.Core.Load;

/// <summary>Where a started device is. Devices = Connecting + Connected + BackingOff + GivenUp at every moment.</summary>
public enum DeviceState
{
    Connecting,
    Connected,
    BackingOff,
    GivenUp,
}
