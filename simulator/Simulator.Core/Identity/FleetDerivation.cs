using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Simulator.Core.Identity;

/// <summary>
/// Deterministic derivation of every per-device value from (seed, index), so that any shard of a
/// run rebuilds any device without copying files. HMAC-SHA256 keyed by the seed separates the
/// domains (key, uuid, imei, iccid); a P-256 scalar is redrawn until it lies in [1, n-1].
/// </summary>
internal static class FleetDerivation
{
    // Order n of the P-256 group (SEC 2 §2.4.2), big-endian.
    private static ReadOnlySpan<byte> P256Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    /// <summary>The index used for the fleet CA's key, outside any device index.</summary>
    public const int CaIndex = -1;

    public static byte[] PrivateScalar(FleetSeed seed, int index)
    {
        var key = seed.Key;
        Span<byte> msg = stackalloc byte[12];
        "p256"u8.CopyTo(msg);
        BinaryPrimitives.WriteInt32BigEndian(msg[4..], index);
        var d = new byte[32];
        for (var counter = 0; ; counter++)
        {
            BinaryPrimitives.WriteInt32BigEndian(msg[8..], counter);
            HMACSHA256.HashData(key, msg, d);
            if (d.AsSpan().SequenceCompareTo(P256Order) < 0 && d.AsSpan().IndexOfAnyExcept((byte)0) >= 0)
            {
                return d;
            }
        }
    }

    public static ulong Number(FleetSeed seed, string domain, int index)
    {
        var key = seed.Key;
        Span<byte> msg = stackalloc byte[64];
        var n = System.Text.Encoding.ASCII.GetBytes(domain, msg);
        BinaryPrimitives.WriteInt32BigEndian(msg[n..], index);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, msg[..(n + 4)], mac);
        return BinaryPrimitives.ReadUInt64BigEndian(mac);
    }

    public static string Uuid(FleetSeed seed, int index)
    {
        var key = seed.Key;
        Span<byte> msg = stackalloc byte[8];
        "uuid"u8.CopyTo(msg);
        BinaryPrimitives.WriteInt32BigEndian(msg[4..], index);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, msg, mac);
        mac[6] = (byte)((mac[6] & 0x0F) | 0x40); // version 4 (RFC 9562 §5.4)
        mac[8] = (byte)((mac[8] & 0x3F) | 0x80); // variant 10
        var hex = Convert.ToHexStringLower(mac[..16]);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    /// <summary>IMEI = TAC (8) + serial (6) + Luhn (3GPP TS 23.003 §6.2.1). Unique per index below 10^6.</summary>
    public static string Imei(FleetSeed seed, string tac, int index)
    {
        var serial = (Number(seed, "imei", 0) + (ulong)index) % 1_000_000UL;
        var body = tac + serial.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        return body + (char)('0' + Luhn.ComputeCheckDigit(body));
    }

    /// <summary>ICCID = prefix + serial to 18 digits + Luhn (ITU-T E.118): 19 digits, as 1NCE's.</summary>
    public static string Iccid(FleetSeed seed, string prefix, int index)
    {
        var serialDigits = 18 - prefix.Length;
        ulong modulus = 1;
        for (var i = 0; i < serialDigits; i++)
        {
            modulus *= 10;
        }

        var serial = (Number(seed, "iccid", 0) + (ulong)index) % modulus;
        var body = prefix + serial.ToString("D" + serialDigits.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        return body + (char)('0' + Luhn.ComputeCheckDigit(body));
    }
}
