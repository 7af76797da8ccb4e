using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using System.Text;
using Simulator.Core.Buffers;
using Simulator.Core.Errors;
using Simulator.Core.Transport.Link;
using Simulator.Core.Transport.Tls;

namespace Simulator.Core.Transport.OpenSsl;

/// <summary>
/// A TLS client connection on libssl 3, driven by .NET's socket engine: libssl never touches the
/// socket. Its BIO (<see cref="OpenSslBio"/>) reads ciphertext from a pooled buffer that an async
/// receive filled and appends what libssl writes to a pooled buffer that an async send drains, so
/// no thread waits on a connection and an idle connection holds no buffer of ours or libssl's
/// (zero-byte reads wait for readiness; SSL_MODE_RELEASE_BUFFERS frees libssl's record buffers).
/// Thread-safety: one reader and one writer at a time, concurrently, as SslStream allows. Every
/// libssl call runs under one lock, because an SSL object is not thread-safe; socket I/O runs
/// outside it. Sends are ordered by a second, async lock. Dispose takes the first lock, so it
/// never frees the SSL object under a call, and a read racing a stop ends in an
/// <see cref="ObjectDisposedException"/> or <see cref="IOException"/>, never a use after free.
/// </summary>
internal sealed partial class OpenSslStream : Stream, IValueTaskSource<int>
{
    private static readonly FixedArrayPool Buffers = FixedArrayPool.Tls;

    [ThreadStatic]
    private static OpenSslStream? t_current;

    private readonly Socket _socket;
    private readonly LinkConnection? _link;
    private readonly SafeSslHandle _ssl;
    private readonly OpenSslClientContext _context;
    private readonly TlsSessionSlot? _session;
    private readonly Lock _sync = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[]? _in;
    private int _inStart;
    private int _inEnd;
    private byte[]? _out;
    private int _outCount;
    private bool _retryFlagged;
    private bool _eof;
    private bool _ready;
    private bool _disposed;

    private OpenSslStream(Socket socket, OpenSslClientContext context, TlsSessionSlot? session, LinkConnection? link)
    {
        _socket = socket;
        _link = link;
        link?.Attach(socket);
        _context = context;
        _session = context.Resume ? session : null;
        _ssl = LibSsl.SSL_new(context.Handle);
        if (_ssl.IsInvalid)
        {
            throw new InvalidOperationException("SSL_new failed: " + LibSsl.TakeError());
        }

        var bio = LibSsl.BIO_new(OpenSslBio.Method);
        if (bio == 0)
        {
            _ssl.Dispose();
            throw new InvalidOperationException("BIO_new failed: " + LibSsl.TakeError());
        }

        LibSsl.BIO_set_init(bio, 1);
        LibSsl.SSL_set_bio(_ssl, bio, bio); // one reference, consumed: the BIO is freed with the SSL object
        LibSsl.SSL_set_connect_state(_ssl);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Runs the client handshake over a connected socket (which the stream then owns): SNI and the
    /// host name or IP to verify, ALPN, the device's own session to resume. A refusal is a
    /// <see cref="ConnectionFailedException"/> of kind TlsHandshake with the reason worded as the
    /// SslStream provider words it.
    /// </summary>
    public static async Task<OpenSslStream> ConnectAsync(Socket socket, OpenSslClientContext context, string serverName, bool verify, IReadOnlyList<string>? alpn, TlsSessionSlot? session, LinkConnection? link, CancellationToken cancellationToken)
    {
        OpenSslStream stream;
        try
        {
            stream = new OpenSslStream(socket, context, session, link);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            stream.Configure(serverName, verify, alpn);
            await stream.HandshakeAsync(alpn, cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ReadCoreAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadCoreAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadCoreAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => WriteCoreAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteCoreAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteCoreAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>Every write is sent before it returns: nothing to flush.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>libssl wrote ciphertext (BIO write callback): append it to the pending send.</summary>
    internal static unsafe int OnBioWrite(byte* data, int length)
    {
        var self = t_current;
        if (self is null)
        {
            return -1;
        }

        var need = self._outCount + length;
        if (self._out is null || self._out.Length < need)
        {
            // A pooled 16 KB array holds what one write of a few records produces; a larger write grows past it.
            var bigger = need <= Buffers.Size ? Buffers.Rent() : ArrayPool<byte>.Shared.Rent(need);
            if (self._out is { } old)
            {
                old.AsSpan(0, self._outCount).CopyTo(bigger);
                Release(old);
            }

            self._out = bigger;
        }

        new ReadOnlySpan<byte>(data, length).CopyTo(self._out.AsSpan(self._outCount));
        self._outCount = need;
        return length;
    }

    /// <summary>libssl wants ciphertext (BIO read callback): hand over what the last receive brought, or ask it to retry.</summary>
    internal static unsafe int OnBioRead(nint bio, byte* data, int length)
    {
        var self = t_current;
        if (self is null)
        {
            return -1;
        }

        if (self._retryFlagged)
        {
            LibSsl.BIO_clear_flags(bio, LibSsl.BioFlagsRws | LibSsl.BioFlagsShouldRetry);
            self._retryFlagged = false;
        }

        if (self._in is { } input)
        {
            var n = Math.Min(length, self._inEnd - self._inStart);
            input.AsSpan(self._inStart, n).CopyTo(new Span<byte>(data, length));
            self._inStart += n;
            if (self._inStart == self._inEnd)
            {
                self._in = null;
                Buffers.Return(input);
            }

            return n;
        }

        if (self._eof)
        {
            return 0;
        }

        LibSsl.BIO_set_flags(bio, LibSsl.BioFlagsRead | LibSsl.BioFlagsShouldRetry);
        self._retryFlagged = true;
        return -1;
    }

    /// <summary>libssl got a session ticket (new-session callback, inside a handshake or read): it becomes the device's own.</summary>
    [UnmanagedCallersOnly]
    internal static int OnNewSession(nint ssl, nint session)
    {
        if (t_current?._session is not { } slot)
        {
            return 0; // libssl frees it
        }

        var handle = new SafeSslSessionHandle();
        handle.Adopt(session);
        slot.Store(handle);
        return 1; // the reference is ours now
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_sync)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                if (_session is not null)
                {
                    // SSL_free marks the session of a connection closed without close_notify as not
                    // resumable; a modem keeps its session when the link drops, so this one stays usable.
                    LibSsl.SSL_set_shutdown(_ssl, LibSsl.SslSentShutdown | LibSsl.SslReceivedShutdown);
                }

                _ssl.Dispose();
                if (_in is { } input)
                {
                    _in = null;
                    Buffers.Return(input);
                }

                if (_out is { } output)
                {
                    _out = null;
                    Release(output);
                }
            }

            if (_link is { } link)
            {
                link.CloseWhenSent(CloseGracefully); // what libssl wrote last (a close_notify, a DISCONNECT) still arrives
            }
            else
            {
                CloseGracefully();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Closes with a FIN, not a reset. Linux resets a socket closed with unread bytes (a session
    /// ticket the receive loop had not read yet, say), and a server that sees the reset may discard
    /// the DISCONNECT sent just before it and report the connection lost, not closed by the client.
    /// The unread bytes are read and dropped without blocking, and sending is shut down first.
    /// Then the socket waits, off the caller's thread, for the server's own close (at most
    /// <see cref="PeerCloseWait"/>), reading and dropping what still comes: a ticket the server sent
    /// before it read the FIN would otherwise reach a closed socket and reset the connection.
    /// </summary>
    private void CloseGracefully()
    {
        try
        {
            _socket.Blocking = false;
            Span<byte> scratch = stackalloc byte[1024];
            for (var drained = 0; drained < 64 * 1024 && _socket.Available > 0;)
            {
                var n = _socket.Receive(scratch, SocketFlags.None, out var error);
                if (n <= 0 || error != SocketError.Success)
                {
                    break;
                }

                drained += n;
            }

            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already broken or closed: nothing to close gracefully.
            _socket.Dispose();
            return;
        }

        _ = CloseAfterPeerAsync(_socket);
    }

    /// <summary>How long a closed stream's socket waits for the server's FIN before it is closed anyway.</summary>
    internal static readonly TimeSpan PeerCloseWait = TimeSpan.FromSeconds(2);

    private static async Task CloseAfterPeerAsync(Socket socket)
    {
        await SocketDrain.UntilPeerClosesAsync(socket, PeerCloseWait).ConfigureAwait(false);
        socket.Dispose();
    }

    private static void WriteUtf8Z(string text, Span<byte> destination)
    {
        var n = Encoding.UTF8.GetBytes(text, destination);
        destination[n] = 0;
    }

    private unsafe void Configure(string serverName, bool verify, IReadOnlyList<string>? alpn)
    {
        var isIp = IPAddress.TryParse(serverName, out _);
        var name = Encoding.UTF8.GetMaxByteCount(serverName.Length) < 512 ? stackalloc byte[512] : new byte[Encoding.UTF8.GetMaxByteCount(serverName.Length) + 1];
        WriteUtf8Z(serverName, name);
        fixed (byte* p = name)
        {
            // RFC 6066 §3: SNI carries host names only, never an address literal.
            if (!isIp && LibSsl.SSL_ctrl(_ssl, LibSsl.SslCtrlSetTlsextHostname, LibSsl.TlsextNameTypeHostName, p) != 1)
            {
                throw new ConnectionFailedException(FailureKind.TlsHandshake, $"the server name '{serverName}' is not a valid SNI host name");
            }

            if (verify && (isIp ? LibSsl.X509_VERIFY_PARAM_set1_ip_asc(LibSsl.SSL_get0_param(_ssl), p) : LibSsl.SSL_set1_host(_ssl, p)) != 1)
            {
                throw new ConnectionFailedException(FailureKind.TlsHandshake, $"the server name '{serverName}' cannot be verified: {LibSsl.TakeError()}");
            }
        }

        if (alpn is { Count: > 0 })
        {
            // RFC 7301 §3.1: each protocol name prefixed by its one-byte length.
            var wire = new byte[alpn.Sum(a => a.Length + 1)];
            var at = 0;
            foreach (var protocol in alpn)
            {
                wire[at++] = checked((byte)protocol.Length);
                at += Encoding.ASCII.GetBytes(protocol, wire.AsSpan(at));
            }

            fixed (byte* p = wire)
            {
                if (LibSsl.SSL_set_alpn_protos(_ssl, p, (uint)wire.Length) != 0)
                {
                    throw new InvalidOperationException("SSL_set_alpn_protos failed: " + LibSsl.TakeError());
                }
            }
        }

        if (_session?.Current is { } cached)
        {
            LibSsl.SSL_set_session(_ssl, cached);
        }
    }

    private async Task HandshakeAsync(IReadOnlyList<string>? alpn, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (rc, verifyResult, text) = HandshakeStep();

            if (text is not null)
            {
                // Send the alert libssl wrote, as a client that refuses a server does; the server may be gone already.
                try
                {
                    await FlushOutboundAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                }

                throw new ConnectionFailedException(FailureKind.TlsHandshake, Describe(verifyResult, text));
            }

            await FlushOutboundAsync(cancellationToken).ConfigureAwait(false);
            if (rc == 1)
            {
                break;
            }

            // WANT_READ: the server's next flight is on its way, so receive without a readiness wait.
            if (!await ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new ConnectionFailedException(FailureKind.TlsHandshake, TlsFailures.ClosedDuringHandshake);
            }
        }

        Finish(alpn);
    }

    /// <summary>One SSL_do_handshake: its result, and on a failure the verify result and OpenSSL's error text.</summary>
    private (int Rc, long VerifyResult, string? Error) HandshakeStep()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            t_current = this;
            LibSsl.ERR_clear_error();
            var rc = LibSsl.SSL_do_handshake(_ssl);
            var error = rc == 1 ? LibSsl.SslErrorNone : LibSsl.SSL_get_error(_ssl, rc);
            t_current = null;
            return error is LibSsl.SslErrorNone or LibSsl.SslErrorWantRead
                ? (rc, 0, null)
                : (rc, LibSsl.SSL_get_verify_result(_ssl), LibSsl.TakeError());
        }
    }

    private unsafe void Finish(IReadOnlyList<string>? alpn)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (alpn is { Count: > 0 })
            {
                byte* chosen;
                uint length;
                LibSsl.SSL_get0_alpn_selected(_ssl, &chosen, &length);
                if (length == 0)
                {
                    throw new ConnectionFailedException(FailureKind.TlsHandshake, TlsFailures.NoAlpn(alpn));
                }
            }
        }
    }

    private string Describe(long verifyResult, string error)
    {
        // x509_vfy.h: 9 not yet valid, 10 expired, 62 host name mismatch, 64 IP address mismatch.
        return verifyResult switch
        {
            0 when _eof => TlsFailures.ClosedDuringHandshake,
            0 => "TLS handshake failed: " + error,
            62 or 64 => TlsFailures.NameMismatch,
            9 or 10 => TlsFailures.Expired(LibSsl.VerifyErrorText(verifyResult)),
            _ => TlsFailures.Untrusted(_context.WithCaFile, LibSsl.VerifyErrorText(verifyResult)),
        };
    }

    /// <summary>Plaintext into <paramref name="destination"/>: its length, 0 at the end of the stream (or, for an empty destination, when data is ready), -1 when libssl needs ciphertext.</summary>
    private unsafe int TryRead(Span<byte> destination, out bool flush)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            flush = false;
            if (destination.IsEmpty)
            {
                return _in is not null || _eof || LibSsl.SSL_has_pending(_ssl) == 1 ? 0 : -1;
            }

            int rc, error;
            nuint read = 0;
            t_current = this;
            LibSsl.ERR_clear_error();
            fixed (byte* p = destination)
            {
                rc = LibSsl.SSL_read_ex(_ssl, p, (nuint)destination.Length, &read);
            }

            error = rc == 1 ? LibSsl.SslErrorNone : LibSsl.SSL_get_error(_ssl, rc);
            t_current = null;
            flush = _outCount > 0; // a TLS 1.3 KeyUpdate answer, or an alert
            switch (error)
            {
                case LibSsl.SslErrorNone:
                    return (int)read;
                case LibSsl.SslErrorZeroReturn:
                    return 0; // close_notify
                case LibSsl.SslErrorWantRead:
                    return _eof ? 0 : -1;
                default:
                    var text = LibSsl.TakeError();

                    // A TCP close without close_notify ends the stream, as SslStream reads it; MQTT servers close that way.
                    return _eof && _in is null ? 0 : throw new IOException("TLS read failed: " + text);
            }
        }
    }

    /// <summary>One receive into a pooled buffer that libssl then reads (the handshake's); false at the end of the stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = Buffers.Rent();
        int n;
        try
        {
            n = _link is { } link
                ? await link.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false)
                : await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Buffers.Return(buffer);
            throw e is SocketException s ? new IOException("the connection broke: " + s.SocketErrorCode, e) : e;
        }

        return Deliver(buffer, n);
    }

    /// <summary>Hands a received buffer to the BIO (the stream owns it from here); false at the end of the stream.</summary>
    private bool Deliver(byte[] buffer, int n)
    {
        lock (_sync)
        {
            if (n == 0 || _disposed)
            {
                Buffers.Return(buffer);
                _eof = true;
                return false;
            }

            _in = buffer;
            _inStart = 0;
            _inEnd = n;
            return true;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            return;
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (output, count) = Encrypt(data.Span);
            await SendAsync(output, count, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>SSL_write of the whole of <paramref name="data"/>, and the records it produced.</summary>
    private unsafe (byte[]? Buffer, int Count) Encrypt(ReadOnlySpan<byte> data)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            t_current = this;
            LibSsl.ERR_clear_error();
            int rc;
            nuint written = 0;
            fixed (byte* p = data)
            {
                rc = LibSsl.SSL_write_ex(_ssl, p, (nuint)data.Length, &written);
            }

            t_current = null;
            return rc == 1 ? TakeOutbound() : throw new IOException("TLS write failed: " + LibSsl.TakeError());
        }
    }

    /// <summary>Sends what libssl wrote outside a write (handshake flights, alerts), in order with writes.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushOutboundAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[]? output;
            int count;
            lock (_sync)
            {
                (output, count) = TakeOutbound();
            }

            await SendAsync(output, count, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private (byte[]? Buffer, int Count) TakeOutbound()
    {
        var taken = (_out, _outCount);
        _out = null;
        _outCount = 0;
        return taken;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(byte[]? buffer, int count, CancellationToken cancellationToken)
    {
        if (buffer is null)
        {
            return;
        }

        try
        {
            if (_link is { } link)
            {
                await link.SendAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                return;
            }

            for (var sent = 0; sent < count;)
            {
                sent += await _socket.SendAsync(buffer.AsMemory(sent, count - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SocketException e)
        {
            throw new IOException("the connection broke: " + e.SocketErrorCode, e);
        }
        finally
        {
            Release(buffer);
        }
    }

    /// <summary>A send buffer back where it came from: the fixed pool, or ArrayPool for one that grew past it.</summary>
    private static void Release(byte[] buffer)
    {
        if (buffer.Length == Buffers.Size)
        {
            Buffers.Return(buffer);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
