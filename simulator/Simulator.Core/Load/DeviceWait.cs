using System.Diagnostics;
using System.Threading.Tasks.Sources;
using Simulator.Core.Transport.Link;

namespace Simulator.Core.Load;

/// <summary>
/// A device's one reusable wait between publishes. The shared <see cref="DelayScheduler"/> wakes it
/// when it is due; <see cref="Wake"/> wakes it early (the run's stop, the connection ending).
/// Why: a Task, a cancellation registration and a WhenAny per publish lived the whole publish
/// interval, so every gen0 and gen1 collection promoted them; at 10,000 devices the pauses reached
/// 100 ms and showed as generator lag. This allocates nothing per wait.
/// One waiter at a time (the device's own loop); <see cref="Wake"/> and the scheduler may race it.
/// A wake may be spurious (a wake meant for an earlier wait): callers re-check and wait again.
/// </summary>
internal sealed class DeviceWait : IValueTaskSource, ITimerItem
{
    private ManualResetValueTaskSourceCore<bool> _core; // how continuations run is set per wait, in WaitAsync and Fire
    private long _generation;

    // The generation of the wait now pending, 0 when none: only the waker that swaps it to 0 completes it.
    private long _armed;

    /// <summary>
    /// Completes at <paramref name="dueTimestamp"/> (a <see cref="Stopwatch"/> timestamp), or at once
    /// if <paramref name="stop"/> is cancelled or <paramref name="ended"/> has completed, or at the
    /// next <see cref="Wake"/>. Whoever cancels or ends calls <see cref="Wake"/> after doing so.
    /// </summary>
    public ValueTask WaitAsync(DelayScheduler scheduler, long dueTimestamp, CancellationToken stop, Task? ended)
    {
        _core.Reset();
        _core.RunContinuationsAsynchronously = true; // a wake from a stop or a connection's end must not run this device on the waker's thread
        var generation = ++_generation;
        Interlocked.Exchange(ref _armed, generation); // a full fence: the checks below see a waker's state, or the waker sees this
        if (stop.IsCancellationRequested || ended?.IsCompleted == true || dueTimestamp <= Stopwatch.GetTimestamp())
        {
            Fire(generation);
        }
        else
        {
            scheduler.Schedule(this, generation, dueTimestamp);
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>Wakes the pending wait, if any. Thread-safe; a wake with no wait pending is lost, which is why <see cref="WaitAsync"/> checks the stop and the end after arming.</summary>
    public void Wake()
    {
        var pending = Volatile.Read(ref _armed);
        if (pending != 0)
        {
            Fire(pending);
        }
    }

    /// <summary>
    /// The scheduler's wake: completes the wait only if it is still the one scheduled. With
    /// <paramref name="inline"/> the device's continuation (its publish, up to the PUBACK wait) runs
    /// on the caller's thread instead of as one more thread-pool work item; only the winner of the
    /// swap touches <c>_core</c>, so the flag is its own to set.
    /// </summary>
    internal bool Fire(long generation, bool inline = false)
    {
        if (Interlocked.CompareExchange(ref _armed, 0, generation) != generation)
        {
            return false;
        }

        _core.RunContinuationsAsynchronously = !inline;
        _core.SetResult(true);
        return true;
    }

    bool ITimerItem.Fire(long generation, bool inline) => Fire(generation, inline) && inline;

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
