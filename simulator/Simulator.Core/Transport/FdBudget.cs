using System.Diagnostics;
using Simulator.Core.Processes;

namespace Simulator.Core.Transport;

/// <summary>
/// Keeps a run's sockets inside the open-files limit. When a process runs out of descriptors the
/// .NET runtime cannot start threads and dies ("Out of memory.", exit 134) with no results, so a
/// connect that would leave fewer than <see cref="Reserve"/> descriptors free is refused instead
/// and counted (FdExhausted). The count is the last /proc/self/fd census plus the sockets opened
/// since, each costing <see cref="PerSocket"/> (2 with the embedded gateway holding the other end);
/// near the limit it is recounted (at most every 50 ms), so closed sockets free their budget.
/// Thread-safe.
/// </summary>
internal sealed class FdBudget
{
    private static readonly long RecountTicks = Stopwatch.Frequency / 20;
    private readonly long _limit;
    private readonly Lock _gate = new();
    private long _counted;
    private long _openedSince;
    private long _countedAt;

    public FdBudget(long? limit = null, int perSocket = 1, int reserve = 64)
    {
        _limit = limit ?? ProcessLimits.OpenFileLimit() ?? long.MaxValue;
        PerSocket = perSocket;
        Reserve = reserve;
        Recount(Stopwatch.GetTimestamp());
    }

    public int PerSocket { get; }

    public int Reserve { get; }

    public long Refused => Interlocked.Read(ref _refused);

    private long _refused;

    /// <summary>Takes the budget for one more socket, or false when it would come within <see cref="Reserve"/> of the limit.</summary>
    public bool TryTake()
    {
        if (_limit == long.MaxValue)
        {
            return true;
        }

        lock (_gate)
        {
            if (Fits())
            {
                return true;
            }

            var now = Stopwatch.GetTimestamp();
            if (now - _countedAt >= RecountTicks)
            {
                Recount(now);
                if (Fits())
                {
                    return true;
                }
            }

            _openedSince--;
            Interlocked.Increment(ref _refused);
            return false;
        }
    }

    /// <summary>A fresh census (the engine calls it each second).</summary>
    public void Update(long openFiles)
    {
        lock (_gate)
        {
            _counted = openFiles;
            _openedSince = 0;
            _countedAt = Stopwatch.GetTimestamp();
        }
    }

    private bool Fits()
    {
        _openedSince++;
        return _counted + (_openedSince * PerSocket) + Reserve <= _limit;
    }

    private void Recount(long now)
    {
        if (ProcessLimits.OpenFiles() is { } n)
        {
            _counted = n;
            _openedSince = 0;
        }

        _countedAt = now;
    }
}
