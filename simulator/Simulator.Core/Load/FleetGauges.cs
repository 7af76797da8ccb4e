namespace Simulator.Core.Load;

/// <summary>
/// Counts of devices per state. Transitions and snapshots take one lock (a few thousand a
/// second at most), so every snapshot satisfies devices = connecting + connected + backing off + given up exactly.
/// </summary>
public sealed class FleetGauges
{
    private readonly long[] _states = new long[4];
    private readonly Lock _gate = new();
    private long _devices;

    public long Devices
    {
        get
        {
            lock (_gate)
            {
                return _devices;
            }
        }
    }

    public long this[DeviceState state]
    {
        get
        {
            lock (_gate)
            {
                return _states[(int)state];
            }
        }
    }

    public void Enter(DeviceState state)
    {
        lock (_gate)
        {
            _devices++;
            _states[(int)state]++;
        }
    }

    public void Move(DeviceState from, DeviceState to)
    {
        lock (_gate)
        {
            _states[(int)from]--;
            _states[(int)to]++;
        }
    }

    public void Leave(DeviceState state)
    {
        lock (_gate)
        {
            _states[(int)state]--;
            _devices--;
        }
    }

    public (long Devices, long Connecting, long Connected, long BackingOff, long GivenUp) Snapshot()
    {
        lock (_gate)
        {
            return (_devices, _states[0], _states[1], _states[2], _states[3]);
        }
    }
}
