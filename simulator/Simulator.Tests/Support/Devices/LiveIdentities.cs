using System.Collections.Concurrent;

namespace Simulator.Tests.Support.Devices;

/// <summary>Which identities are held by a running test device right now; a second holder is recorded as a duplicate.</summary>
public sealed class LiveIdentities
{
    private readonly ConcurrentDictionary<int, byte> _live = new();
    private int _duplicates;
    private int _started;

    public int Duplicates => Volatile.Read(ref _duplicates);

    public int Started => Volatile.Read(ref _started);

    public void Enter(int index)
    {
        Interlocked.Increment(ref _started);
        if (!_live.TryAdd(index, 0))
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    public void Leave(int index) => _live.TryRemove(index, out _);
}
