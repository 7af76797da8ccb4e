using System.Diagnostics;
using Simulator.Core.Histograms;
using Simulator.Core.Transport.Link;

namespace Simulator.Core.Load;

/// <summary>
/// One timer for every device's waits (publish intervals, backoff): a priority queue of due
/// times checked every 10 ms, instead of a timer per device. Thread-safe. It also measures its own
/// lag (how late each tick fires against its period), the generator-health figure that shows a
/// starved thread pool or a saturated machine.
/// A tick runs the first <see cref="InlinePerTick"/> due devices on its own thread (a publish
/// up to its PUBACK wait is tens of µs) and hands the rest to the thread pool: at 10,000 devices
/// publishing every 10 s that is about 10 a tick, and one work item per publish fewer.
/// </summary>
internal sealed class DelayScheduler : ITimerQueue, IDisposable
{
    private const int PeriodMs = 10;

    /// <summary>Due devices a tick runs on its own thread; the rest go to the thread pool, so a burst is spread over the cores.</summary>
    internal const int InlinePerTick = 32;
    private static readonly long PeriodTicks = Stopwatch.Frequency * PeriodMs / 1000;
    private readonly PriorityQueue<Entry, long> _queue = new();
    private readonly Lock _gate = new();
    private readonly Timer _timer;
    private LatencyHistogram _lag = new();
    private long _lastFire;

    public DelayScheduler()
    {
        _timer = new Timer(_ => Fire(), null, PeriodMs, PeriodMs);
    }

    public TimeSpan Resolution => TimeSpan.FromMilliseconds(PeriodMs);

    /// <summary>The ticks' lateness (µs) since the last call, and a fresh histogram for the next.</summary>
    public LatencyHistogram TakeLag() => Interlocked.Exchange(ref _lag, new LatencyHistogram());

    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Completes after the delay; cancelled waits complete as cancelled.</summary>
    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            _queue.Enqueue(new Entry(tcs, null, 0), due);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.UnsafeRegister(static (state, ct) => ((TaskCompletionSource)state!).TrySetCanceled(ct), tcs);
            tcs.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return tcs.Task;
    }

    /// <summary>Fires <paramref name="wait"/>'s wait <paramref name="generation"/> when due; allocates nothing once the queue has grown.</summary>
    public void Schedule(ITimerItem wait, long generation, long dueTimestamp)
    {
        lock (_gate)
        {
            _queue.Enqueue(new Entry(null, wait, generation), dueTimestamp);
        }
    }

    private void Fire()
    {
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Exchange(ref _lastFire, now);
        if (last != 0)
        {
            Volatile.Read(ref _lag).Record(Math.Max(0, (now - last - PeriodTicks) * 1_000_000 / Stopwatch.Frequency));
        }

        var inline = InlinePerTick;
        while (true)
        {
            Entry due;
            lock (_gate)
            {
                if (!_queue.TryPeek(out _, out var at) || at > now)
                {
                    return;
                }

                due = _queue.Dequeue();
            }

            if (due.Wait is { } wait)
            {
                // A no-op when that wait was woken early; true when its continuation ran here.
                if (wait.Fire(due.Generation, inline > 0))
                {
                    inline--;
                }
            }
            else
            {
                due.Tcs!.TrySetResult();
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private readonly record struct Entry(TaskCompletionSource? Tcs, ITimerItem? Wait, long Generation);
}
