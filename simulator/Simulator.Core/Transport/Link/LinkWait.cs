using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace Simulator.Core.Transport.Link;

/// <summary>
/// One reusable wait on an <see cref="ITimerQueue"/>, so a link's per-packet holds allocate nothing.
/// One waiter at a time; a wait is never cut short (a packet in flight arrives when it arrives).
/// </summary>
internal sealed class LinkWait : IValueTaskSource, ITimerItem
{
    private ManualResetValueTaskSourceCore<bool> _core;
    private long _generation;
    private long _armed;

    /// <summary>Completes at <paramref name="dueTimestamp"/>, or at once when that has passed.</summary>
    public ValueTask WaitAsync(ITimerQueue queue, long dueTimestamp)
    {
        if (dueTimestamp <= Stopwatch.GetTimestamp())
        {
            return ValueTask.CompletedTask;
        }

        _core.Reset();
        _core.RunContinuationsAsynchronously = true;
        var generation = ++_generation;
        Volatile.Write(ref _armed, generation);
        queue.Schedule(this, generation, dueTimestamp);
        return new ValueTask(this, _core.Version);
    }

    public bool Fire(long generation, bool inline)
    {
        if (Interlocked.CompareExchange(ref _armed, 0, generation) != generation)
        {
            return false;
        }

        // Never inline: what follows a hold is a socket send or a TLS read, not a few microseconds of work.
        _core.SetResult(true);
        return false;
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
