using System.Buffers;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// A message body rendered into a pooled buffer: sent, then disposed once the send has completed,
/// which gives the buffer back. Owned by the one call that rendered it.
/// </summary>
internal readonly struct OutgoingMessage : IDisposable
{
    private readonly byte[] _buffer;
    private readonly int _length;

    public OutgoingMessage(byte[] buffer, int length, long sequence)
    {
        _buffer = buffer;
        _length = length;
        Sequence = sequence;
    }

    /// <summary>The message's sequence number.</summary>
    public long Sequence { get; }

    public ReadOnlyMemory<byte> Body => _buffer.AsMemory(0, _length);

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
