using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Simulator.Core.Transport.Link;

/// <summary>
/// One connection over a <see cref="LinkModel"/>: everything the device sends and receives on its
/// socket, held as the radio link would hold it.
/// Uplink: a send is copied into a pooled buffer and queued; it leaves the bottleneck after the
/// bytes before it (the uplink rate) and reaches the socket one one-way delay later, so a sender
/// is not held for the propagation delay, as a kernel's send buffer does not hold it. A sender is
/// held only while more than <see cref="SendBufferBytes"/> wait, as a full send buffer holds it.
/// Downlink: received bytes are handed to the reader one one-way delay after they came in, paced
/// at the downlink rate. Bytes that were already waiting when a read began are taken to have come
/// in when the socket was last seen, so one server flight read in several pieces pays one delay.
/// Order is kept both ways (TCP's), so a packet's long draw also holds the ones behind it.
/// Holds run on the shared timer, rounded to its resolution (their mean error is centred on 0).
/// Thread-safety: one reader and one writer at a time, concurrently.
/// </summary>
internal sealed class LinkConnection
{
    /// <summary>Bytes queued before a sender is held, as a socket's send buffer would hold it.</summary>
    internal const int SendBufferBytes = 64 * 1024;

    private static readonly long BurstTicks = Stopwatch.Frequency * 5 / 1000;

    private readonly LinkModel _model;
    private readonly long _halfResolution;
    private readonly Lock _up = new();
    private readonly Queue<Segment> _queue = new();
    private readonly LinkWait _readWait = new();
    private readonly LinkWait _sendWait = new();
    private readonly LinkWait _pumpWait = new();
    private Socket? _socket;
    private long _lastUpDue;
    private long _lastDownDue;
    private long _lastSeen;
    private Burst _upBurst;
    private Burst _downBurst;
    private int _queuedBytes;
    private bool _pumping;
    private Action? _closeWhenSent;
    private Exception? _sendError;

    /// <summary>How long a cut connection's socket is kept, unanswering, for the server to find it dead by its keep-alive.</summary>
    internal static readonly TimeSpan DeadSocketHold = TimeSpan.FromSeconds(180);

    private readonly CancellationTokenSource _cut = new();
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedFor;
    private volatile bool _severed;

    internal LinkConnection(LinkModel model)
    {
        _model = model;
        model.Opened(this);
        _halfResolution = (long)(model.Timers.Resolution.TotalSeconds * Stopwatch.Frequency / 2);
    }

    /// <summary>True once an outage cut this connection.</summary>
    public bool Severed => _severed;

    /// <summary>Cuts the connection as a dead radio does: reads and sends fail at once, queued bytes never leave, and closing sends no FIN.</summary>
    internal void Sever()
    {
        _severed = true;
        try
        {
            _cut.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static IOException LinkDown() => new("the radio link went down (outage)");

    /// <summary>Unhooks the connection from the caller's token: a linked source left undisposed stays registered on a token that lives as long as the run.</summary>
    private void ReleaseTokens()
    {
        _linked?.Dispose();
        _linked = null;
    }

    /// <summary>The caller's token with the cut's, made once per caller token.</summary>
    private CancellationToken Reading(CancellationToken caller)
    {
        if (!caller.CanBeCanceled)
        {
            return _cut.Token;
        }

        if (_linked is null || _linkedFor != caller)
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _cut.Token);
            _linkedFor = caller;
        }

        return _linked.Token;
    }

    /// <summary>The connect failed before a stream owned the socket: the link forgets this connection.</summary>
    public void Abandon() => _model.Closed(this);

    /// <summary>Sends and receives go over this socket from now on.</summary>
    public void Attach(Socket socket) => _socket = socket;

    /// <summary>The SYN's trip out, before the socket connects (loopback answers at once).</summary>
    public ValueTask BeforeConnectAsync(out long synAckTicks)
    {
        var (outTicks, back) = _model.SynTicks();
        synAckTicks = back;
        return Hold(_readWait, Stopwatch.GetTimestamp() + outTicks);
    }

    /// <summary>The SYN-ACK's trip back, after the socket connected.</summary>
    public ValueTask AfterConnectAsync(long synAckTicks)
    {
        var now = Stopwatch.GetTimestamp();
        _lastSeen = now;
        return Hold(_readWait, now + synAckTicks);
    }

    /// <summary>Queues <paramref name="data"/> for the socket; completes once it is queued (or the queue has room again).</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_sendError is { } error)
        {
            return ValueTask.FromException(new IOException("the connection broke: " + error.Message, error));
        }

        if (_severed)
        {
            return ValueTask.FromException(LinkDown());
        }

        if (data.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = Stopwatch.GetTimestamp();
        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.Span.CopyTo(buffer);
        bool start;
        long leaves;
        bool full;
        lock (_up)
        {
            leaves = _model.LeaveUp(now, data.Length);
            var due = Math.Max(leaves + OneWay(ref _upBurst, now, data.Length), _lastUpDue);
            _lastUpDue = due;
            _queue.Enqueue(new Segment(buffer, data.Length, due));
            _queuedBytes += data.Length;
            full = _queuedBytes > SendBufferBytes;
            start = !_pumping;
            _pumping = true;
        }

        // The server's ACKs for these bytes come down as they arrive there.
        _model.AckDown(leaves, data.Length);
        if (start)
        {
            _ = PumpAsync();
        }

        // A full buffer holds the sender until its bytes have gone out of the bottleneck.
        return full ? Hold(_sendWait, leaves) : ValueTask.CompletedTask;
    }

    /// <summary>A zero-byte read: waits until the socket has bytes, holding none.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ReceiveReadyAsync(CancellationToken cancellationToken)
    {
        var socket = Socket;
        if (socket.Available > 0)
        {
            return; // bytes were waiting: they came in no later than the socket was last seen
        }

        try
        {
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, Reading(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_severed && !cancellationToken.IsCancellationRequested)
        {
            throw LinkDown();
        }

        _lastSeen = Stopwatch.GetTimestamp();
    }

    /// <summary>Reads what the socket has, then holds it until the link would have delivered it; 0 (the end) is held too.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var socket = Socket;
        var waiting = socket.Available > 0;
        int n;
        try
        {
            n = _severed ? throw LinkDown() : await socket.ReceiveAsync(buffer, SocketFlags.None, Reading(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_severed && !cancellationToken.IsCancellationRequested)
        {
            throw LinkDown();
        }

        var now = Stopwatch.GetTimestamp();
        var came = _model.Reachable(waiting && _lastSeen != 0 ? _lastSeen : now); // an idle eDRX device hears it at its next paging window
        _lastSeen = now;
        var left = _model.LeaveDown(came, n);
        var due = Math.Max(left + OneWay(ref _downBurst, came, n), _lastDownDue);
        _lastDownDue = due;
        _model.AckUp(due, n);
        await Hold(_readWait, due).ConfigureAwait(false);
        return _severed ? throw LinkDown() : n;
    }

    /// <summary>
    /// Runs <paramref name="close"/> once every queued byte is on the socket, at once when none is:
    /// a DISCONNECT written just before a close still arrives, and before the FIN.
    /// </summary>
    public void CloseWhenSent(Action close)
    {
        if (_severed)
        {
            _ = BuryAsync(close);
            return;
        }

        _model.Closed(this);
        ReleaseTokens();
        lock (_up)
        {
            if (_pumping)
            {
                _closeWhenSent = close;
                return;
            }
        }

        close();
    }

    /// <summary>
    /// A packet's one-way delay: its own draw, or the draw of the burst it belongs to. Packets sent
    /// within <see cref="BurstTicks"/> of the burst's first share its draw (one scheduling grant,
    /// one queue), so a TLS flight in three reads is not held by the largest of three draws.
    /// </summary>
    private long OneWay(ref Burst burst, long at, int bytes)
    {
        if (burst.Start != 0 && at - burst.Start <= BurstTicks)
        {
            return burst.Delay;
        }

        burst = new Burst(at, _model.OneWayTicks(bytes));
        return burst.Delay;
    }

    /// <summary>
    /// A cut connection's socket stays open and silent, as the dead radio's far end does: what the
    /// server still sends is read and dropped, and it closes when the server gives up (its
    /// keep-alive, a takeover) or after <see cref="DeadSocketHold"/>.
    /// </summary>
    private async Task BuryAsync(Action close)
    {
        _model.Closed(this);
        lock (_up)
        {
            while (_queue.TryDequeue(out var dropped))
            {
                ArrayPool<byte>.Shared.Return(dropped.Buffer);
            }

            _queuedBytes = 0;
        }

        if (_socket is { } socket)
        {
            await SocketDrain.UntilPeerClosesAsync(socket, DeadSocketHold).ConfigureAwait(false);

            // Gone without a FIN from this side's point of view: a reset, as a socket that was never answered ends.
            try
            {
                socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }

            socket.Dispose();
            ReleaseTokens();
            return;
        }

        close();
    }

    private Socket Socket => _socket ?? throw new InvalidOperationException("the link has no socket yet");

    private ValueTask Hold(LinkWait wait, long due) => wait.WaitAsync(_model.Timers, due - _halfResolution);

    private async Task PumpAsync()
    {
        while (true)
        {
            Segment next;
            Action? close = null;
            lock (_up)
            {
                if (!_queue.TryPeek(out next))
                {
                    _pumping = false;
                    close = _closeWhenSent;
                    _closeWhenSent = null;
                }
            }

            if (next.Buffer is null)
            {
                if (close is not null && _severed)
                {
                    _ = BuryAsync(close);
                }
                else
                {
                    close?.Invoke();
                }

                return;
            }

            try
            {
                await Hold(_pumpWait, next.Due).ConfigureAwait(false);
                if (_severed)
                {
                    throw new ObjectDisposedException("the radio link went down");
                }

                for (var sent = 0; sent < next.Count;)
                {
                    sent += await Socket.SendAsync(next.Buffer.AsMemory(sent, next.Count - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                _sendError = e;
            }

            lock (_up)
            {
                _queue.Dequeue();
                _queuedBytes -= next.Count;
                ArrayPool<byte>.Shared.Return(next.Buffer);
                if (_sendError is not null)
                {
                    while (_queue.TryDequeue(out var dropped))
                    {
                        ArrayPool<byte>.Shared.Return(dropped.Buffer);
                    }

                    _queuedBytes = 0;
                }
            }
        }
    }

    private readonly record struct Segment(byte[] Buffer, int Count, long Due);

    private readonly record struct Burst(long Start, long Delay);
}
