using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Simulator.Core.Transport.OpenSsl;

/// <summary>
/// The read path as one reusable operation: the stream is the <see cref="IValueTaskSource{TResult}"/>
/// of its own reads, and a read that must wait for the socket resumes from a cached delegate. An
/// async method here rents a box per suspension from a per-thread cache, and a continuation that
/// comes back on another thread (the usual case on a busy machine) misses it and allocates; this
/// path allocates nothing however the threads hop. One read at a time, as <see cref="Stream"/> allows.
/// </summary>
internal sealed partial class OpenSslStream
{
    private ManualResetValueTaskSourceCore<int> _read;
    private Memory<byte> _readBuffer;
    private CancellationToken _readToken;
    private OpenSslReadStep _step;
    private int _held;
    private OpenSslPendingIo _io;
    private byte[]? _receiving;
    private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _countAwaiter;
    private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter _doneAwaiter;
    private Action? _onIo;

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _read.OnCompleted(continuation, state, token, flags);

    private ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _read.Reset();
        _readBuffer = buffer;
        _readToken = cancellationToken;
        _step = OpenSslReadStep.Begin;
        int n;
        try
        {
            if (!Advance(out n))
            {
                return new ValueTask<int>(this, _read.Version);
            }
        }
        catch (Exception e)
        {
            EndRead();
            return ValueTask.FromException<int>(e);
        }

        EndRead();
        return new ValueTask<int>(n);
    }

    /// <summary>
    /// Runs the read until it has an answer (true) or waits on the socket (false; <see cref="OnIo"/>
    /// resumes it). A zero-byte read waits for readiness holding no buffer, so an idle connection
    /// holds none; after such a wait the ciphertext is in the socket, so the next read receives it
    /// before asking libssl (one failed SSL_read less per inbound packet).
    /// </summary>
    private bool Advance(out int result)
    {
        result = 0;
        while (true)
        {
            switch (_step)
            {
                case OpenSslReadStep.Begin:
                    if (_ready && !_readBuffer.IsEmpty)
                    {
                        _ready = false;
                        if (!Receive(OpenSslReadStep.Decrypt))
                        {
                            return false;
                        }
                    }
                    else
                    {
                        _step = OpenSslReadStep.Decrypt;
                    }

                    break;
                case OpenSslReadStep.Decrypt:
                    _held = TryRead(_readBuffer.Span, out var flush);
                    if (flush)
                    {
                        // A TLS 1.3 KeyUpdate answer or an alert goes out before the read returns.
                        if (!Wait(OpenSslPendingIo.Flush, FlushOutboundAsync(_readToken), OpenSslReadStep.Decide))
                        {
                            return false;
                        }
                    }
                    else
                    {
                        _step = OpenSslReadStep.Decide;
                    }

                    break;
                case OpenSslReadStep.Decide:
                    if (_held >= 0)
                    {
                        result = _held;
                        return true;
                    }

                    if (_readBuffer.IsEmpty || !_ready)
                    {
                        if (!WaitReady())
                        {
                            return false;
                        }
                    }
                    else
                    {
                        _ready = false;
                        if (!Receive(OpenSslReadStep.Decrypt))
                        {
                            return false;
                        }
                    }

                    break;
                case OpenSslReadStep.Ready:
                    _ready = true;
                    if (_readBuffer.IsEmpty)
                    {
                        return true;
                    }

                    _ready = false;
                    if (!Receive(OpenSslReadStep.Decrypt))
                    {
                        return false;
                    }

                    break;
            }
        }
    }

    /// <summary>Starts one receive into a pooled buffer; true when it completed at once (and was delivered).</summary>
    private bool Receive(OpenSslReadStep then)
    {
        _step = then;
        var buffer = Buffers.Rent();
        try
        {
            Track(_link is { } link ? link.ReceiveAsync(buffer, _readToken) : _socket.ReceiveAsync(buffer, SocketFlags.None, _readToken));
        }
        catch
        {
            Buffers.Return(buffer);
            throw;
        }

        _receiving = buffer;
        _io = OpenSslPendingIo.Receive;
        if (_countAwaiter.IsCompleted)
        {
            EndIo();
            return true;
        }

        _countAwaiter.UnsafeOnCompleted(_onIo ??= OnIo);
        return false;
    }

    /// <summary>Starts a zero-byte read that waits until the socket has bytes; true when they were there at once.</summary>
    private bool WaitReady()
    {
        if (_link is { } link)
        {
            return Wait(OpenSslPendingIo.Ready, link.ReceiveReadyAsync(_readToken), OpenSslReadStep.Ready);
        }

        _step = OpenSslReadStep.Ready;
        _io = OpenSslPendingIo.ReadyCount;
        Track(_socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, _readToken));
        if (_countAwaiter.IsCompleted)
        {
            EndIo();
            return true;
        }

        _countAwaiter.UnsafeOnCompleted(_onIo ??= OnIo);
        return false;
    }

    /// <summary>Holds the awaiter of a socket operation the read goes on waiting for (consumed once, by <see cref="EndIo"/>).</summary>
    private void Track(ValueTask<int> pending) => _countAwaiter = pending.ConfigureAwait(false).GetAwaiter();

    private bool Wait(OpenSslPendingIo kind, ValueTask pending, OpenSslReadStep then)
    {
        _step = then;
        _io = kind;
        _doneAwaiter = pending.ConfigureAwait(false).GetAwaiter();
        if (_doneAwaiter.IsCompleted)
        {
            EndIo();
            return true;
        }

        _doneAwaiter.UnsafeOnCompleted(_onIo ??= OnIo);
        return false;
    }

    /// <summary>Takes the result of the socket operation that just completed; a broken socket is an <see cref="IOException"/>.</summary>
    private void EndIo()
    {
        var kind = _io;
        _io = OpenSslPendingIo.None;
        switch (kind)
        {
            case OpenSslPendingIo.Receive:
                var buffer = _receiving!;
                _receiving = null;
                int n;
                try
                {
                    n = _countAwaiter.GetResult();
                }
                catch (Exception e)
                {
                    _countAwaiter = default;
                    Buffers.Return(buffer);
                    throw e is SocketException s ? new IOException("the connection broke: " + s.SocketErrorCode, e) : e;
                }

                _countAwaiter = default;
                Deliver(buffer, n); // the end of the stream shows in the next SSL_read
                break;
            case OpenSslPendingIo.ReadyCount:
                try
                {
                    _countAwaiter.GetResult();
                }
                catch (SocketException e)
                {
                    throw new IOException("the connection broke: " + e.SocketErrorCode, e);
                }
                finally
                {
                    _countAwaiter = default;
                }

                break;
            case OpenSslPendingIo.Ready:
            case OpenSslPendingIo.Flush:
                try
                {
                    _doneAwaiter.GetResult();
                }
                catch (SocketException e)
                {
                    throw new IOException("the connection broke: " + e.SocketErrorCode, e);
                }
                finally
                {
                    _doneAwaiter = default;
                }

                break;
        }
    }

    /// <summary>The socket operation a suspended read waited on completed: resume the read, and complete it if it ends.</summary>
    private void OnIo()
    {
        int n;
        try
        {
            EndIo();
            if (!Advance(out n))
            {
                return;
            }
        }
        catch (Exception e)
        {
            EndRead();
            _read.SetException(e);
            return;
        }

        EndRead();
        _read.SetResult(n); // runs the reader's continuation inline, which may start the next read: nothing after this
    }

    /// <summary>Lets go of the caller's buffer and token before the caller hears the answer.</summary>
    private void EndRead()
    {
        _readBuffer = default;
        _readToken = default;
    }
}
