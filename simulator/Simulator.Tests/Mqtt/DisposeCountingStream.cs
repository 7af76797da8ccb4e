namespace Simulator.Tests.Mqtt;

/// <summary>
/// A real transport stream, passed through, that counts how often it is disposed and how many
/// disposals overlapped. Each disposal lingers a little first, as closing a TLS or WebSocket
/// stream does (a close_notify, a close frame), so two that race do overlap.
/// </summary>
public sealed class DisposeCountingStream(Stream inner) : Stream
{
    private int _inDispose;
    private int _disposals;
    private int _overlapped;

    public int Disposals => Volatile.Read(ref _disposals);

    public int Overlapped => Volatile.Read(ref _overlapped);

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        Interlocked.Increment(ref _disposals);
        if (Interlocked.Increment(ref _inDispose) > 1)
        {
            Interlocked.Increment(ref _overlapped);
        }

        try
        {
            await Task.Delay(50).ConfigureAwait(false);
            await inner.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inDispose);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.Increment(ref _disposals);
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
