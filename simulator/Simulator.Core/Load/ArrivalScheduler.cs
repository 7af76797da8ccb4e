using System.Diagnostics;
using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Load;

/// <summary>
/// Starts and stops devices at the instants the plan gives, on a thread of its own so a busy thread
/// pool cannot delay an arrival unseen: each device carries the instant it was due, and its
/// connect latency counts from there (no coordinated omission). When every identity is still held
/// by a stopping device, the arrival waits for one; the wait shows as schedule lag.
/// </summary>
public sealed class ArrivalScheduler
{
    private readonly LoadPlan _plan;
    private readonly DeviceSupervisor _supervisor;
    private readonly ArrivalMode _mode;
    private readonly int _seed;
    private Thread? _thread;
    private long _arrivalsDue;
    private long _arrivalsStarted;
    private long _stops;

    public ArrivalScheduler(LoadPlan plan, DeviceSupervisor supervisor, ArrivalMode mode, int seed)
    {
        _plan = plan;
        _supervisor = supervisor;
        _mode = mode;
        _seed = seed;
    }

    /// <summary>Arrivals whose instant has come.</summary>
    public long ArrivalsDue => Interlocked.Read(ref _arrivalsDue);

    public long ArrivalsStarted => Interlocked.Read(ref _arrivalsStarted);

    public long Stops => Interlocked.Read(ref _stops);

    /// <summary>Stopwatch instants at which each arrival was due and actually started, for tests and the report.</summary>
    public List<(long Due, long Started)>? Trace { get; init; }

    public void Start(long origin, CancellationToken stop)
    {
        _thread = new Thread(() => Run(origin, stop)) { IsBackground = true, Name = "arrivals", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Join() => _thread?.Join();

    private void Run(long origin, CancellationToken stop)
    {
        foreach (var e in _plan.Events(_mode, new Random(_seed)))
        {
            var due = origin + (long)(e.At * Stopwatch.Frequency);
            if (!PreciseClock.WaitUntil(due, stop))
            {
                return;
            }

            if (e.Delta < 0)
            {
                _supervisor.StopNewest();
                Interlocked.Increment(ref _stops);
                continue;
            }

            Interlocked.Increment(ref _arrivalsDue);
            while (!_supervisor.TryStart(due))
            {
                if (stop.WaitHandle.WaitOne(1))
                {
                    return;
                }
            }

            Trace?.Add((due, Stopwatch.GetTimestamp()));
            Interlocked.Increment(ref _arrivalsStarted);
        }
    }
}
