using System.Diagnostics;
using Simulator.Core.Identity;

namespace Simulator.Core.Load;

/// <summary>
/// The identities of a run's devices, each lent to at most one live device at a time: a stopped
/// device returns its identity when its task has ended, and a later ramp takes only free ones,
/// so no two live devices ever share a client id or a (non-thread-safe) signer. First in, first out,
/// so a ramp after a ramp-down reuses the identities that stopped longest ago. A returned identity
/// rests <see cref="Rest"/> before it is lent again: AWS IoT allows one connect per second per client
/// id, and a reuse sooner would be throttled by the target for a reason of our making. Thread-safe.
/// </summary>
internal sealed class IdentityPool
{
    /// <summary>AWS's per-client-id connect limit is 1/s; a little more keeps clear of its edge.</summary>
    public static readonly TimeSpan DefaultRest = TimeSpan.FromSeconds(1.1);

    private readonly Queue<(DeviceIdentity Identity, long ReturnedAt)> _free;
    private readonly HashSet<int> _lent = [];
    private readonly Lock _gate = new();
    private readonly long _restTicks;

    public IdentityPool(IReadOnlyList<DeviceIdentity> identities, TimeSpan? rest = null)
    {
        _free = new Queue<(DeviceIdentity, long)>(identities.Select(i => (i, long.MinValue)));
        Capacity = identities.Count;
        Rest = rest ?? DefaultRest;
        _restTicks = (long)(Rest.TotalSeconds * Stopwatch.Frequency);
    }

    public int Capacity { get; }

    public TimeSpan Rest { get; }

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

    /// <summary>Lends the identity free longest, if it has rested; false when none is ready.</summary>
    public bool TryTake(out DeviceIdentity identity)
    {
        lock (_gate)
        {
            if (_free.TryPeek(out var head) && (head.ReturnedAt == long.MinValue || Stopwatch.GetTimestamp() - head.ReturnedAt >= _restTicks))
            {
                _free.Dequeue();
                _lent.Add(head.Identity.Index);
                identity = head.Identity;
                return true;
            }

            identity = null!;
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

            _free.Enqueue((identity, Stopwatch.GetTimestamp()));
        }
    }
}
