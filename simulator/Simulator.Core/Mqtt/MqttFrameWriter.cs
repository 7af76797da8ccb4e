using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Simulator.Core.Mqtt;

/// <summary>
/// Owns one connection's output, as Kestrel's Http2FrameWriter does: the send lock, the write and
/// the flush, for the client and the gateway alike. Callers hand it what to write (a static
/// lambda and a state, so the hot path allocates nothing); it writes under the lock and releases
/// the lock only once the flush is done, so frames from different threads never interleave.
/// Exceptions from the write or the flush reach the caller after the lock is released.
/// </summary>
public sealed class MqttFrameWriter
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _flushPending;

    public MqttFrameWriter(PipeWriter output) => Output = output;

    /// <summary>The pipe itself, for the CONNECT/CONNACK exchange before anything else can write, and for completing it.</summary>
    public PipeWriter Output { get; }

    /// <summary>True while a flush started by <see cref="TryWriteWithoutWaitingAsync"/> has not completed (the peer is not reading).</summary>
    public bool FlushPending => Volatile.Read(ref _flushPending);

    /// <summary>Waits for the lock, writes, flushes, releases.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync<TState>(TState state, Action<PipeWriter, TState> write, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            write(Output, state);
            await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Writes and flushes only if nobody holds the lock now; false when someone does (their flush will carry what is queued).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> TryWriteAsync<TState>(TState state, Action<PipeWriter, TState> write)
    {
        if (!_lock.Wait(0))
        {
            return false;
        }

        try
        {
            write(Output, state);
            await Output.FlushAsync().ConfigureAwait(false);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// For a writer that must not wait on this peer (the gateway delivering another session's
    /// message): writes and starts the flush. A flush that completes at once releases the lock; one
    /// that cannot (the peer's buffer is full) keeps it until it completes, off the caller's path,
    /// with <see cref="FlushPending"/> set meanwhile.
    /// </summary>
    /// <returns>False when the output is closed (the flush says so).</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> TryWriteWithoutWaitingAsync<TState>(TState state, Action<PipeWriter, TState> write)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        var release = true;
        try
        {
            write(Output, state);
            var flush = Output.FlushAsync();
            if (!flush.IsCompleted)
            {
                release = false;
                Volatile.Write(ref _flushPending, true);
                _ = CompleteFlushAsync(flush);
                return true;
            }

            return !flush.Result.IsCompleted;
        }
        finally
        {
            if (release)
            {
                _lock.Release();
            }
        }
    }

    private async Task CompleteFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone; its session ends on its own read side.
        }
        finally
        {
            Volatile.Write(ref _flushPending, false);
            _lock.Release();
        }
    }
}
