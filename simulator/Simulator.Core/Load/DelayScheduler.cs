using System.Diagnostics;

namespace Simulator.Core.Load;

/// <summary>
/// One timer for every device's waits (publish intervals, backoff): a priority queue of due
/// times checked every 10 ms, instead of a timer per device. Thread-safe.
/// </summary>
public sealed class DelayScheduler : IDisposable
{
    private readonly PriorityQueue<TaskCompletionSource, long> _queue = new();
    private readonly Lock _gate = new();
    private readonly Timer _timer;

    public DelayScheduler()
    {
        _timer = new Timer(_ => Fire(), null, 10, 10);
    }

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
            _queue.Enqueue(tcs, due);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.UnsafeRegister(static (state, ct) => ((TaskCompletionSource)state!).TrySetCanceled(ct), tcs);
            tcs.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return tcs.Task;
    }

    private void Fire()
    {
        var now = Stopwatch.GetTimestamp();
        while (true)
        {
            TaskCompletionSource? due = null;
            lock (_gate)
            {
                if (_queue.TryPeek(out var tcs, out var at) && at <= now)
                {
                    due = _queue.Dequeue();
                }
            }

            if (due is null)
            {
                return;
            }

            due.TrySetResult();
        }
    }

    public void Dispose() => _timer.Dispose();
}
