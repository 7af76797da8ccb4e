using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Simulator.Gateway.Http;

/// <summary>
/// Deterministic A-GNSS assistance data in nRF Cloud's binary layout (C.3): byte 0 schema version
/// 1, then per type: u8 type, u16 LE count, count fixed-size items. Content is derived from the
/// cell and the hour, so Range requests over one hour see one consistent body.
/// </summary>
internal static class AgnssData
{
    public static readonly int[] DefaultTypes = [1, 2, 3, 4, 6, 7, 9];

    /// <summary>The assistance types nRF Cloud defines (C.3), 1 to 9.</summary>
    public const int MinType = 1;

    public const int MaxType = 9;

    /// <summary>The most of a request body read: a cell and a list of types.</summary>
    public const int MaxRequestBytes = 4096;

    public static bool IsType(int type) => type is >= MinType and <= MaxType;

    private static (int Count, int Size) Layout(int type) => type switch
    {
        1 => (1, 14),   // UTC parameters
        2 => (32, 62),  // ephemerides
        3 => (32, 31),  // almanac
        4 => (1, 8),    // Klobuchar
        5 => (1, 6),    // NeQuick
        6 => (32, 6),   // GPS time of week
        7 => (1, 16),   // system clock
        8 => (1, 12),   // location
        9 => (1, 8),    // integrity
        _ => (1, 8),
    };

    public static byte[] Build(IReadOnlyList<int> types, long cellSeed, long hour)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(types.Count, MaxType);
        var length = 1 + types.Sum(t => 3 + (Layout(t).Count * Layout(t).Size));
        var data = new byte[length];
        data[0] = 1;
        var pos = 1;
        Span<byte> seed = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(seed, cellSeed);
        BinaryPrimitives.WriteInt64LittleEndian(seed[8..], hour);
        Span<byte> h = stackalloc byte[32];
        foreach (var type in types)
        {
            var (count, size) = Layout(type);
            data[pos] = (byte)type;
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(pos + 1), (ushort)count);
            pos += 3;
            var block = data.AsSpan(pos, count * size);
            for (var off = 0; off < block.Length; off += 32)
            {
                seed[0] ^= (byte)type;
                SHA256.HashData(seed, h);
                seed[1]++;
                h[..Math.Min(32, block.Length - off)].CopyTo(block[off..]);
            }

            pos += block.Length;
        }

        return data;
    }
}
