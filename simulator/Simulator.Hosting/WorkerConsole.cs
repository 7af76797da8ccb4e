using Simulator.Core.Metrics;
using Simulator.Core.Results;

namespace Simulator.Hosting;

/// <summary>
/// The one live console of <c>run --workers</c>: each worker streams its per-second rows (a
/// timeseries.csv line behind <see cref="Marker"/>) instead of its own console lines, and this
/// combines the workers' rows of each wall-clock second the way <c>merge</c> does
/// (<see cref="ShardMerge.CombineSecond"/>): flows summed, the connect histograms added, each
/// worker's levels taken once. A second is shown when every running worker has moved past it (a
/// late tick can give a worker two rows in one second), or <see cref="GraceSeconds"/> later, so
/// one stalled worker cannot freeze the console (its devices then count at their last level).
/// </summary>
internal sealed class WorkerConsole
{
    /// <summary>What starts a row line on a worker's standard output.</summary>
    public const string Marker = "@row,";

    public const int GraceSeconds = 2;

    private readonly Lock _lock = new();
    private readonly long _origin;
    private readonly Action<SecondRow> _emit;
    private readonly List<SecondRow>[] _rows;
    private readonly long[] _newest;
    private readonly bool[] _exited;
    private long _next = long.MinValue;

    /// <param name="workers">How many workers report.</param>
    /// <param name="originUnixSecond">The agreed start: row seconds count from it.</param>
    /// <param name="emit">Gets each combined second, in order.</param>
    public WorkerConsole(int workers, long originUnixSecond, Action<SecondRow> emit)
    {
        _origin = originUnixSecond;
        _emit = emit;
        _rows = [.. Enumerable.Range(0, workers).Select(_ => new List<SecondRow>())];
        _newest = [.. Enumerable.Repeat(long.MinValue, workers)];
        _exited = new bool[workers];
    }

    public void Add(int worker, SecondRow row)
    {
        lock (_lock)
        {
            _rows[worker].Add(row);
            _newest[worker] = Math.Max(_newest[worker], row.UnixSecond);
            Emit(all: false);
        }
    }

    /// <summary>The worker is gone: the console stops waiting for it.</summary>
    public void Exited(int worker)
    {
        lock (_lock)
        {
            _exited[worker] = true;
            Emit(all: false);
        }
    }

    /// <summary>Shows every second still pending (all workers have ended).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            Emit(all: true);
        }
    }

    private void Emit(bool all)
    {
        while (true)
        {
            var s = _rows.SelectMany(r => r).Select(r => r.UnixSecond).Where(u => u >= _next).DefaultIfEmpty(long.MaxValue).Min();
            if (s == long.MaxValue)
            {
                return;
            }

            var ready = all || _newest.Max() >= s + GraceSeconds || Enumerable.Range(0, _rows.Length).All(i => _exited[i] || _newest[i] > s);
            if (!ready)
            {
                return;
            }

            var flows = _rows.SelectMany(r => r).Where(r => r.UnixSecond == s).ToList();

            // Levels: each worker's last row up to this second, unless it has ended before it.
            var levels = Enumerable.Range(0, _rows.Length)
                .Select(i => (Worker: i, Row: _rows[i].LastOrDefault(r => r.UnixSecond <= s)))
                .Where(x => x.Row is not null && (!_exited[x.Worker] || _newest[x.Worker] >= s))
                .Select(x => x.Row!)
                .ToList();
            if (levels.Count > 0)
            {
                _emit(ShardMerge.CombineSecond((int)(s - _origin), s, flows, levels));
            }

            _next = s + 1;

            // Keep each worker's last row at or before this second: it stands in for a skipped one.
            foreach (var rows in _rows)
            {
                var keep = rows.FindLastIndex(r => r.UnixSecond <= s);
                if (keep > 0)
                {
                    rows.RemoveRange(0, keep);
                }
            }
        }
    }
}
