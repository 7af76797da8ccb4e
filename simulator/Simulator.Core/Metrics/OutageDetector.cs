using System.Diagnostics;

namespace Simulator.Core.Metrics;

/// <summary>
/// Names a server's closes by what the fleet saw, not by what one device last sent. Each close is
/// held for one window (1 s). When the closes that land within a window of the first number at
/// least half the sessions connected at that moment (and at least two), the target went away for
/// everyone (a crash, a restart, a cut link): every close of that burst is <see cref="Name"/>,
/// whatever the device had just sent. Otherwise each keeps its own name, so a policy denial
/// (ClosedAfterPublish) is claimed only for a device whose neighbours stayed connected. Only
/// sessions that were already up at the window's first close count toward a burst: a fleet in a
/// denial loop (each session closed moments after it connects, one device after another) is the
/// target answering each device, not the target gone, and keeps its own names.
/// </summary>
internal sealed class OutageDetector
{
    /// <summary>The drop name for a close that was part of a fleet-wide burst.</summary>
    public const string Name = "TargetClosedAll";

    /// <summary>The share of connected sessions a burst must reach.</summary>
    public const double BurstShare = 0.5;

    private readonly Lock _gate = new();
    private readonly List<HeldClose> _held = [];
    private readonly long _window;

    public OutageDetector(TimeSpan window) => _window = (long)(window.TotalSeconds * Stopwatch.Frequency);

    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    public void Hold(HeldClose close)
    {
        lock (_gate)
        {
            _held.Add(close);
        }
    }

    /// <summary>Names every close whose window has passed (all of them when <paramref name="all"/>), oldest first.</summary>
    public void Settle(long now, bool all, Action<HeldClose, string> commit)
    {
        List<(HeldClose Close, string Name)>? named = null;
        lock (_gate)
        {
            _held.Sort(static (a, b) => a.At.CompareTo(b.At));
            while (_held.Count > 0 && (all || now - _held[0].At >= _window))
            {
                var first = _held[0];
                var n = 1;
                while (n < _held.Count && _held[n].At - first.At < _window)
                {
                    n++;
                }

                var victims = 0;
                for (var i = 0; i < n; i++)
                {
                    victims += _held[i].BornAt <= first.At ? 1 : 0;
                }

                var burst = victims >= Math.Max(2, Math.Ceiling(BurstShare * first.ConnectedThen));
                named ??= [];
                for (var i = 0; i < n; i++)
                {
                    named.Add((_held[i], burst ? Name : _held[i].Name));
                }

                _held.RemoveRange(0, n);
            }
        }

        // Committed outside the lock: the commit records metrics.
        if (named is not null)
        {
            foreach (var (close, name) in named)
            {
                commit(close, name);
            }
        }
    }
}
