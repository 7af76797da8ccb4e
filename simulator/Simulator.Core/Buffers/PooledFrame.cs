using System.Buffers;

namespace Simulator.Core.Buffers;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array from <see cref="ArrayPool{T}.Shared"/>, grown by
/// renting a larger one: a frame serialized to wait in a backlog (the slow path: it is allocated
/// per frame that waits). Not thread-safe; one writer.
/// </summary>
internal sealed class PooledFrame : IBufferWriter<byte>, IDisposable
{
    private byte[]? _buffer;

    public int Length { get; private set; }

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(Length);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(Length);

    /// <summary>The array, now the caller's to return to the pool; this writer is empty after.</summary>
    public byte[] Detach()
    {
        var b = _buffer ?? [];
        _buffer = null;
        return b;
    }

    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private byte[] Ensure(int sizeHint)
    {
        var need = Length + Math.Max(sizeHint, 1);
        if (_buffer is null || _buffer.Length < need)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(need, Math.Max(256, (_buffer?.Length ?? 0) * 2)));
            if (_buffer is { } old)
            {
                old.AsSpan(0, Length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(old);
            }

            _buffer = bigger;
        }

        return _buffer;
    }
}
