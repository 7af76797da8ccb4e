using Simulator.Core.Identity;

namespace Simulator.Core.Load;

/// <summary>
/// The identities of a run's devices, each lent to at most one live device at a time: a stopped
/// device returns its identity when its task has ended, and a later ramp takes only free ones,
/// so no two live devices ever share a client id or a (non-thread-safe) signer. First in, first out,
/// so a ramp after a ramp-down reuses the identities that stopped longest ago. Thread-safe.
/// </summary>
public sealed class IdentityPool
{
    private readonly Queue<DeviceIdentity> _free;
    private readonly HashSet<int> _lent = [];
    private readonly Lock _gate = new();

    public IdentityPool(IReadOnlyList<DeviceIdentity> identities)
    {
        _free = new Queue<DeviceIdentity>(identities);
        Capacity = identities.Count;
    }

    public int Capacity { get; }

    public int Free
    {
        get
        {
            lock (_gate)
            {
                return _free.Count;
            }
        }
    }

    public bool TryTake(out DeviceIdentity identity)
    {
        lock (_gate)
        {
            if (_free.TryDequeue(out identity!))
            {
                _lent.Add(identity.Index);
                return true;
            }

            return false;
        }
    }

    public void Return(DeviceIdentity identity)
    {
        lock (_gate)
        {
            if (!_lent.Remove(identity.Index))
            {
                throw new InvalidOperationException($"identity {identity.Index} returned but not lent");
            }

            _free.Enqueue(identity);
        }
    }
}
