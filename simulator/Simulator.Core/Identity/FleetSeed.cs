using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Simulator.Core.Identity;

/// <summary>
/// The secret every key of a generated fleet derives from: the HMAC key of <see cref="FleetDerivation"/>.
/// Written either as a decimal 64-bit integer (8 bytes, big-endian: the form profiles and older fleets
/// use) or as 64 hex digits (32 bytes: what <c>fleet create</c> draws by default). Device ids are
/// public, so a seed that can be searched for offline gives away every key.
/// </summary>
internal readonly struct FleetSeed : IEquatable<FleetSeed>
{
    /// <summary>Seeds of fewer bits than this are warned about where their keys leave the process.</summary>
    public const int StrongBits = 128;

    private readonly byte[]? _key;
    private readonly string? _text;

    private FleetSeed(byte[] key, string text)
    {
        _key = key;
        _text = text;
    }

    /// <summary>The HMAC key.</summary>
    public ReadOnlySpan<byte> Key => _key ?? Decimal(0)._key!;

    /// <summary>How many bits the seed can hold: 64 for the decimal form, 256 for the hex form.</summary>
    public int Bits => Key.Length * 8;

    public bool IsStrong => Bits >= StrongBits;

    /// <summary>A short, public name for the seed (results and the CA's subject carry this, never the seed).</summary>
    public string Fingerprint => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("nrf-fleet-seed:" + ToString())))[..16];

    /// <summary>A seed for a non-secret pseudo-random stream (arrival jitter), derived so that it tells nothing of this one.</summary>
    public int StreamSeed(string domain) => (int)(FleetDerivation.Number(this, "stream:" + domain, 0) & int.MaxValue);

    public static implicit operator FleetSeed(ulong seed) => Decimal(seed);

    public static FleetSeed Decimal(ulong seed)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, seed);
        return new FleetSeed(key, seed.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>256 bits from the operating system's random source.</summary>
    public static FleetSeed Random() => FromKey(RandomNumberGenerator.GetBytes(32));

    /// <summary>Reads a seed as a user types it: decimal up to 2^64-1, or exactly 64 hex digits.</summary>
    public static bool TryParse(string? text, out FleetSeed seed)
    {
        seed = default;
        if (text is null)
        {
            return false;
        }

        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            seed = Decimal(n);
            return true;
        }

        if (text.Length == 64 && text.All(char.IsAsciiHexDigit))
        {
            seed = FromKey(Convert.FromHexString(text));
            return true;
        }

        return false;
    }

    public static FleetSeed Parse(string? text, string? source = null, string field = "seed") =>
        TryParse(text, out var seed)
            ? seed
            : throw new Errors.InputException($"seed must be a decimal integer between 0 and {ulong.MaxValue} or 64 hex digits, got '{text}'", source, field: field);

    /// <summary>The seed as it is written: decimal, or 64 lowercase hex digits.</summary>
    public override string ToString() => _text ?? "0";

    public bool Equals(FleetSeed other) => Key.SequenceEqual(other.Key);

    public override bool Equals(object? obj) => obj is FleetSeed other && Equals(other);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(FleetSeed left, FleetSeed right) => left.Equals(right);

    public static bool operator !=(FleetSeed left, FleetSeed right) => !left.Equals(right);

    private static FleetSeed FromKey(byte[] key) => new(key, Convert.ToHexStringLower(key));
}
