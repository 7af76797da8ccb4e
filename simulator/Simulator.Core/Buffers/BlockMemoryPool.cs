using System.Buffers;
using System.Collections.Concurrent;

namespace Simulator.Core.Buffers;

/// <summary>
/// Fixed 4 KB blocks whose owner objects are reused, unlike <see cref="MemoryPool{T}.Shared"/>,
/// which allocates an owner per rent. Pipes over thousands of connections rent a block per read
/// and per flush, so this is what keeps PUBLISH in and out at zero allocations. Retention is
/// capped; blocks beyond the cap go to the GC. Larger requests are served unpooled (rare: payloads
/// are copied in block-sized chunks).
/// </summary>
internal sealed class BlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;

    private readonly ConcurrentQueue<Block> _free = new();
    private readonly int _maxRetained;
    private int _retained;

    public BlockMemoryPool(int maxRetainedBlocks = 16_384)
    {
        _maxRetained = maxRetainedBlocks;
    }

    public static BlockMemoryPool Instance { get; } = new();

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks waiting in the pool (memory held: this × 4 KB).</summary>
    public int Retained => Volatile.Read(ref _retained);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            return new Block(null, minBufferSize);
        }

        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            block.Rented = true;
            return block;
        }

        return new Block(this, BlockSize);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _retained) > _maxRetained)
        {
            Interlocked.Decrement(ref _retained);
            return;
        }

        _free.Enqueue(block);
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        private readonly BlockMemoryPool? _pool;
        private readonly byte[] _array;

        public Block(BlockMemoryPool? pool, int size)
        {
            _pool = pool;
            _array = GC.AllocateUninitializedArray<byte>(size);
            Rented = true;
        }

        public bool Rented { get; set; }

        public Memory<byte> Memory => _array;

        public void Dispose()
        {
            if (!Rented)
            {
                return; // a double return must not put one block in the queue twice
            }

            Rented = false;
            _pool?.Return(this);
        }
    }
}
