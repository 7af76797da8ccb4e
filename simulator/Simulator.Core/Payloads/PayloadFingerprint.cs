using System.Buffers;
using System.Buffers.Binary;

namespace Simulator.Core.Payloads;

/// <summary>
/// A 64-bit fingerprint of a message body, by which a device knows its own message when it comes
/// back whatever the payload's format: the sender keeps the fingerprints of its recent messages,
/// the receiver looks the arriving one up. Equal bodies have equal fingerprints; two different
/// bodies among a device's few recent ones share one with odds of about 2^-64 per pair.
/// </summary>
internal static class PayloadFingerprint
{
    private const ulong Prime = 0x100000001b3;
    private const ulong Basis = 0xcbf29ce484222325;

    public static ulong Of(ReadOnlySpan<byte> body)
    {
        var h = Basis ^ (ulong)body.Length;
        var i = 0;
        for (; i + 8 <= body.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(body[i..])) * Prime;
            h ^= h >> 29;
        }

        for (; i < body.Length; i++)
        {
            h = (h ^ body[i]) * Prime;
        }

        // Final mix (SplitMix64's), so that nearby bodies spread over all 64 bits.
        h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9;
        h = (h ^ (h >> 27)) * 0x94d049bb133111eb;
        return h ^ (h >> 31);
    }

    /// <summary>The fingerprint of a body that may arrive in segments: the same as <see cref="Of(ReadOnlySpan{byte})"/> of its bytes in one piece.</summary>
    public static ulong Of(in ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            return Of(body.FirstSpan);
        }

        var length = checked((int)body.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(rented);
            return Of(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
