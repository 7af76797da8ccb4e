using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Simulator.Core.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>
/// Owns one connection's output, as Kestrel's Http2FrameWriter does: the send lock, the write and
/// the flush, for the client and the gateway alike. Callers hand it what to write (a static
/// lambda and a state, so the hot path allocates nothing); it writes under the lock and releases
/// the lock only once the flush is done, so frames from different threads never interleave.
/// Exceptions from the write or the flush reach the caller after the lock is released.
/// <para>
/// Writers that must never wait on this peer (the gateway delivering another session's message)
/// use <see cref="TryWriteWithoutWaitingAsync"/>: when the lock is taken they leave a copy of the
/// frame in a bounded backlog, which whoever holds the lock writes before releasing it, oldest
/// first. Past the bound the frame is refused (<see cref="FrameWriteResult.Overflow"/>), so a
/// peer that stops reading costs its publishers nothing and its connection at most the bound.
/// </para>
/// <para>Thread-safe: every member may be called from any thread.</para>
/// </summary>
internal sealed class MqttFrameWriter
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Queue<(byte[] Buffer, int Length)> _backlog = new(); // guarded by itself
    private readonly long _backlogLimit;
    private int _backlogCount; // read without the queue's lock: 0 means there is nothing to drain
    private long _backlogBytes;
    private bool _flushPending;
    private bool _discarded;

    /// <param name="output">The connection's output.</param>
    /// <param name="backlogLimitBytes">The most bytes of frames left waiting for the lock by <see cref="TryWriteWithoutWaitingAsync"/>.</param>
    public MqttFrameWriter(PipeWriter output, long backlogLimitBytes = 1 << 20)
    {
        Output = output;
        _backlogLimit = backlogLimitBytes;
    }

    /// <summary>The pipe itself, for the CONNECT/CONNACK exchange before anything else can write, and for completing it.</summary>
    public PipeWriter Output { get; }

    /// <summary>True while a flush started by <see cref="TryWriteWithoutWaitingAsync"/> has not completed (the peer is not reading now).</summary>
    public bool FlushPending => Volatile.Read(ref _flushPending);

    /// <summary>Bytes of frames waiting in the backlog.</summary>
    public long BacklogBytes => Interlocked.Read(ref _backlogBytes);

    /// <summary>Waits for the lock, writes (after any backlog), flushes, releases.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync<TState>(TState state, Action<PipeWriter, TState> write, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            WriteBacklog();
            write(Output, state);
            await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release();
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
            WriteBacklog();
            write(Output, state);
            await Output.FlushAsync().ConfigureAwait(false);
            return true;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// For a writer that must not wait on this peer: never waits for the lock nor for the flush.
    /// With the lock free it writes and starts the flush; a flush that cannot complete at once (the
    /// peer's buffer is full) keeps the lock until it completes, off the caller's path, with
    /// <see cref="FlushPending"/> set meanwhile. With the lock taken, a copy of the frame joins the
    /// backlog, or is refused when the backlog would pass its bound.
    /// </summary>
    public ValueTask<FrameWriteResult> TryWriteWithoutWaitingAsync<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
    {
        if (_lock.Wait(0))
        {
            return new ValueTask<FrameWriteResult>(WriteAndFlushHeld(state, write));
        }

        var frame = new PooledFrame();
        try
        {
            write(frame, state);
            lock (_backlog)
            {
                if (_discarded)
                {
                    return new ValueTask<FrameWriteResult>(FrameWriteResult.Closed);
                }

                if (_backlogBytes + frame.Length > _backlogLimit)
                {
                    return new ValueTask<FrameWriteResult>(FrameWriteResult.Overflow);
                }

                _backlog.Enqueue((frame.Detach(), frame.Length));
                _backlogBytes += frame.Length;
                _backlogCount++;
            }
        }
        finally
        {
            frame.Dispose();
        }

        // The holder may have released between our try and the enqueue: then nobody would drain it.
        if (_lock.Wait(0))
        {
            return new ValueTask<FrameWriteResult>(WriteAndFlushHeld(0, static (_, _) => { }) == FrameWriteResult.Closed ? FrameWriteResult.Closed : FrameWriteResult.Written);
        }

        return new ValueTask<FrameWriteResult>(FrameWriteResult.Written);
    }

    /// <summary>Drops the backlog and refuses any more: the connection is over.</summary>
    public void DiscardBacklog()
    {
        lock (_backlog)
        {
            _discarded = true;
            while (_backlog.TryDequeue(out var f))
            {
                ArrayPool<byte>.Shared.Return(f.Buffer);
            }

            _backlogBytes = 0;
            _backlogCount = 0;
        }
    }

    /// <summary>With the lock held: writes the backlog and this frame, starts the flush; the lock is released at once or when the flush completes.</summary>
    private FrameWriteResult WriteAndFlushHeld<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
    {
        ValueTask<FlushResult> flush;
        try
        {
            WriteBacklog();
            write(Output, state);
            flush = Output.FlushAsync();
        }
        catch
        {
            Release();
            throw;
        }

        if (!flush.IsCompleted)
        {
            Volatile.Write(ref _flushPending, true);
            _ = CompleteFlushAsync(flush);
            return FrameWriteResult.Written;
        }

        try
        {
            return flush.Result.IsCompleted ? FrameWriteResult.Closed : FrameWriteResult.Written;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            return FrameWriteResult.Closed;
        }
        finally
        {
            Release();
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
            Release();
        }
    }

    /// <summary>With the lock held: moves every backlog frame into the output, oldest first.</summary>
    private void WriteBacklog()
    {
        if (Volatile.Read(ref _backlogCount) == 0)
        {
            return;
        }

        lock (_backlog)
        {
            while (_backlog.TryDequeue(out var f))
            {
                Output.Write(f.Buffer.AsSpan(0, f.Length));
                ArrayPool<byte>.Shared.Return(f.Buffer);
                _backlogBytes -= f.Length;
            }

            _backlogCount = 0;
        }
    }

    /// <summary>
    /// Releases the lock, unless frames wait in the backlog: then they are written and flushed
    /// first, by this holder, so a frame left there is never stranded. A frame queued just after
    /// the release is picked up by its own writer's second try, or by the re-check here.
    /// </summary>
    private void Release()
    {
        while (true)
        {
            if (Volatile.Read(ref _backlogCount) == 0 || Volatile.Read(ref _discarded))
            {
                _lock.Release();
                if (Volatile.Read(ref _backlogCount) == 0 || Volatile.Read(ref _discarded) || !_lock.Wait(0))
                {
                    return;
                }
            }

            ValueTask<FlushResult> flush;
            try
            {
                WriteBacklog();
                flush = Output.FlushAsync();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                DiscardBacklog();
                continue;
            }

            if (!flush.IsCompleted)
            {
                Volatile.Write(ref _flushPending, true);
                _ = CompleteFlushAsync(flush);
                return;
            }

            try
            {
                _ = flush.Result;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                DiscardBacklog();
            }
        }
    }
}
