using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Simulator.Core.Transport.Link;

/// <summary>
/// A socket's byte stream through a <see cref="LinkConnection"/>, in place of a NetworkStream under
/// SslStream, plain MQTT and HTTP. Owns the socket; closing waits for queued bytes to leave first.
/// One reader and one writer at a time, concurrently.
/// </summary>
internal sealed class LinkStream : Stream
{
    private readonly Socket _socket;
    private readonly LinkConnection _link;
    private int _disposed;

    public LinkStream(Socket socket, LinkConnection link)
    {
        _socket = socket;
        _link = link;
        link.Attach(socket);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            if (buffer.IsEmpty)
            {
                await _link.ReceiveReadyAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }

            return await _link.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new IOException("the connection broke: " + e.SocketErrorCode, e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _link.SendAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _link.SendAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => _link.SendAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            var socket = _socket;
            _link.CloseWhenSent(() =>
            {
                try
                {
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Already broken: nothing to close gracefully.
                }

                socket.Dispose();
            });
        }

        base.Dispose(disposing);
    }
}
