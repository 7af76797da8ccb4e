using System.Diagnostics;
using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Load;

/// <summary>
/// Starts and stops devices at the instants the plan gives, on a thread of its own so a busy thread
/// pool cannot delay an arrival unseen: each device carries the instant it was due, and its
/// connect latency counts from there (no coordinated omission). When every identity is still held
/// by a stopping device, the arrival waits for one; the wait shows as schedule lag.
/// </summary>
internal sealed class ArrivalScheduler
{
    private readonly LoadPlan _plan;
    private readonly DeviceSupervisor _supervisor;
    private readonly ArrivalMode _mode;
    private readonly int _seed;
    private static readonly long LateAfterTicks = (long)(LateAfterMs / 1000 * Stopwatch.Frequency);
    private Thread? _thread;
    private long _arrivalsDue;
    private long _arrivalsStarted;
    private long _stops;
    private long _identityWaits;
    private long _late;
    private long _maxLatenessTicks;

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

    /// <summary>Arrivals that found no identity ready and waited for one (the fleet is too small for the plan).</summary>
    public long IdentityWaits => Interlocked.Read(ref _identityWaits);

    /// <summary>Lateness beyond which an arrival counts as late: the thread itself fell behind (a GC pause, a starved core).</summary>
    public const double LateAfterMs = 20;

    /// <summary>Arrivals this thread reached more than <see cref="LateAfterMs"/> after their instant; they then start in a burst the plan never offered.</summary>
    public long LateArrivals => Interlocked.Read(ref _late);

    /// <summary>The latest any arrival was reached, in milliseconds.</summary>
    public double MaxLatenessMs => Interlocked.Read(ref _maxLatenessTicks) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Stopwatch instants at which each arrival was due and actually started, for tests and the report.</summary>
    public List<(long Due, long Started)>? Trace { get; init; }

    /// <summary>A plan instant (seconds) at which <see cref="Snapshot"/> runs on this precise thread: the end of the last hold.</summary>
    public double? SnapshotAt { get; init; }

    /// <summary>Takes the fleet's state at <see cref="SnapshotAt"/>, before any later arrival or stop is applied.</summary>
    public Action? Snapshot { get; init; }

    public void Start(long origin, CancellationToken stop)
    {
        _thread = new Thread(() => Run(origin, stop)) { IsBackground = true, Name = "arrivals", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Join() => _thread?.Join();

    private void Run(long origin, CancellationToken stop)
    {
        var snapshotDue = SnapshotAt is { } at && Snapshot is not null ? origin + (long)(at * Stopwatch.Frequency) : (long?)null;
        foreach (var e in _plan.Events(_mode, new Random(_seed)))
        {
            var due = origin + (long)(e.At * Stopwatch.Frequency);
            if (snapshotDue is { } instant && due >= instant)
            {
                // The last hold ends before this event: its state then, not a second-tick later
                // (a busy machine's late tick once sampled it after the ramp-down had begun).
                if (!PreciseClock.WaitUntil(instant, stop))
                {
                    return;
                }

                Snapshot!();
                snapshotDue = null;
            }

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
            var lateness = Stopwatch.GetTimestamp() - due;
            if (lateness > LateAfterTicks)
            {
                Interlocked.Increment(ref _late);
            }

            if (lateness > Interlocked.Read(ref _maxLatenessTicks))
            {
                Interlocked.Exchange(ref _maxLatenessTicks, lateness);
            }

            var waited = false;
            while (!_supervisor.TryStart(due, e.Visit))
            {
                if (!waited)
                {
                    waited = true;
                    Interlocked.Increment(ref _identityWaits);
                }

                if (stop.WaitHandle.WaitOne(1))
                {
                    return;
                }
            }

            Trace?.Add((due, Stopwatch.GetTimestamp()));
            Interlocked.Increment(ref _arrivalsStarted);
        }

        if (snapshotDue is { } last && PreciseClock.WaitUntil(last, stop))
        {
            Snapshot!();
        }
    }
}
