using System.Collections.Concurrent;

namespace Simulator.Core.Buffers;

/// <summary>
/// Byte arrays of one size, kept until reused and never trimmed, unlike
/// <see cref="System.Buffers.ArrayPool{T}.Shared"/>, which drops its arrays on a gen-2 collection and
/// then allocates them again on the hot path. The TLS transport rents one per receive and per send
/// and returns it as soon as libssl has consumed it, so what the pool holds is the peak in flight.
/// Retention is capped; arrays beyond the cap go to the GC. Thread-safe.
/// </summary>
internal sealed class FixedArrayPool
{
    private readonly ConcurrentQueue<byte[]> _free = new();
    private readonly int _maxRetained;
    private int _retained;

    public FixedArrayPool(int size, int maxRetained)
    {
        Size = size;
        _maxRetained = maxRetained;
    }

    /// <summary>16 KB, a TLS record's plaintext limit (RFC 8446 §5.1): the TLS transport's receive and send buffers.</summary>
    public static FixedArrayPool Tls { get; } = new(16 * 1024, maxRetained: 4096);

    public int Size { get; }

    public byte[] Rent()
    {
        if (_free.TryDequeue(out var array))
        {
            Interlocked.Decrement(ref _retained);
            return array;
        }

        return GC.AllocateUninitializedArray<byte>(Size);
    }

    /// <summary>Takes back an array this pool rented (its length is <see cref="Size"/>).</summary>
    public void Return(byte[] array)
    {
        if (array.Length != Size)
        {
            return; // not one of ours: left to the GC
        }

        if (Interlocked.Increment(ref _retained) > _maxRetained)
        {
            Interlocked.Decrement(ref _retained);
            return;
        }

        _free.Enqueue(array);
    }
}
