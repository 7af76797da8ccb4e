using System.Diagnostics;

namespace Simulator.Core.Metrics;

/// <summary>
/// Names a server's closes by what the fleet saw, not by what one device last sent. Each close is
/// held for one window (1 s). When the closes that land within a window of the first number at
/// least half the sessions connected at that moment (and at least two), the target went away for
/// everyone (a crash, a restart, a cut link): every close of that burst is <see cref="Name"/>,
/// whatever the device had just sent. Otherwise each keeps its own name, so a policy denial
/// (ClosedAfterPublish) is claimed only for a device whose neighbours stayed connected. Only
/// sessions that were already up at the window's first close count toward a burst, and never a
/// close that answered the device's own SUBSCRIBE: a fleet in a denial loop (each session closed
/// moments after it connects, or at its subscription) is the target answering each device, not
/// the target gone, and keeps its own names.
/// </summary>
internal sealed class OutageDetector
{
    /// <summary>The drop name for a close that was part of a fleet-wide burst.</summary>
    public const string Name = "TargetClosedAll";

    /// <summary>The share of connected sessions a burst must reach.</summary>
    public const double BurstShare = 0.5;

    /// <summary>
    /// A close while the device's SUBSCRIBE waited for its SUBACK: every SUBSCRIBE is answered, so
    /// this close was the server's answer to it (a policy denial), never a victim of a burst.
    /// (A PUBLISH is not the same: at QoS 0 nothing answers it, so a device that published last
    /// is closed "after a PUBLISH" by an outage too.)
    /// </summary>
    private const string AnsweredSubscribe = "ClosedAfterSubscribe";

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

    /// <summary>A close that counts toward a burst: its session was up at the window's first close, and the close did not answer its own SUBSCRIBE.</summary>
    private static bool IsVictim(HeldClose close, long firstAt) => close.BornAt <= firstAt && close.Name != AnsweredSubscribe;

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
                    victims += IsVictim(_held[i], first.At) ? 1 : 0;
                }

                var burst = victims >= Math.Max(2, Math.Ceiling(BurstShare * first.ConnectedThen));
                named ??= [];
                for (var i = 0; i < n; i++)
                {
                    named.Add((_held[i], burst && _held[i].Name != AnsweredSubscribe ? Name : _held[i].Name));
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
