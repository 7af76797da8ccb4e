using System.Buffers.Binary;
using System.IO.Compression;
using HdrHistogram;
using HdrHistogram.Encoding;
using HdrHistogram.Utilities;

namespace Simulator.Core.Histograms;

/// <summary>
/// A mergeable latency histogram of non-negative integer values (we record microseconds), backed by
/// HdrHistogram's <see cref="LongConcurrentHistogram"/> at 2 significant digits over 1 µs to 1 hour.
/// It measured cheaper than our own log-linear histogram in record cost (0.83×) and memory (0.46×;
/// README, "HdrHistogram versus ours"), and its standard compressed encoding lets shards merge
/// exactly and HdrHistogram's own tools read our results. On top it keeps the exact min and max,
/// which the encoding rounds to bucket bounds. Recording is lock-free.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>Values above this (1 hour in µs) are recorded as this: no latency we measure lasts that long.</summary>
    public const long HighestTrackable = 3_600_000_000L;

    public const int SignificantDigits = 2;

    /// <summary>
    /// The encoding <see cref="ToCompressedBase64"/> writes: HdrHistogram's V2 compressed form in
    /// base64, exactly what a line of an HdrHistogram interval log holds.
    /// </summary>
    public const string Encoding = "hdrhistogram-v2-compressed-base64";

    // V2 compressed form: this cookie, the compressed length, then the V2 encoding in zlib (RFC 1950).
    private const int CompressedCookie = 0x1c849314;

    // The V2 encoding of our range holds at most 3,328 counts of up to 9 bytes: more is not ours.
    private const int MaxEncodedBytes = 1 << 16;

    private readonly LongConcurrentHistogram _h;
    private long _min = long.MaxValue;
    private long _max;

    public LatencyHistogram()
        : this(new LongConcurrentHistogram(1, HighestTrackable, SignificantDigits))
    {
    }

    private LatencyHistogram(LongConcurrentHistogram h) => _h = h;

    /// <summary>
    /// Upper bound of the relative error of any reported percentile: one bucket's width, relative
    /// to the smallest value in it (half the sub-buckets of a power of two: 1/128 at 2 digits).
    /// </summary>
    public static double RelativeError { get; } = 2.0 / new LongHistogram(1, HighestTrackable, SignificantDigits).SubBucketCount;

    public long Count => _h.TotalCount;

    public long Min => Count == 0 ? 0 : Volatile.Read(ref _min);

    public long Max => Volatile.Read(ref _max);

    /// <summary>The mean of the recorded values, from the buckets (within <see cref="RelativeError"/>).</summary>
    public double Mean => Count == 0 ? 0 : _h.GetMean();

    /// <summary>Memory one histogram holds (its counters are fixed, whatever is recorded).</summary>
    public long FootprintBytes => _h.GetEstimatedFootprintInBytes();

    public void Record(long value)
    {
        // Volatile reads, not Interlocked.Read: on x64 that is a locked compare-exchange, and the
        // extremes rarely move, so the common case costs two plain loads.
        value = Math.Clamp(value, 0, HighestTrackable);
        _h.RecordValue(value);
        long seen;
        while (value < (seen = Volatile.Read(ref _min)) && Interlocked.CompareExchange(ref _min, value, seen) != seen)
        {
        }

        while (value > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
        {
        }
    }

    /// <summary>Adds another histogram's counts into this one: exact, as if every value had been recorded here.</summary>
    public void Merge(LatencyHistogram other)
    {
        if (other.Count == 0)
        {
            return;
        }

        _h.Add(other._h);
        long seen;
        var min = other.Min;
        while (min < (seen = Volatile.Read(ref _min)) && Interlocked.CompareExchange(ref _min, min, seen) != seen)
        {
        }

        var max = other.Max;
        while (max > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, max, seen) != seen)
        {
        }
    }

    /// <summary>
    /// The value at a percentile (0-100): the highest value equivalent to the bucket that holds the
    /// nearest rank (⌈p·n⌉, as HdrHistogram's Java and JavaScript forms count; its .NET form rounds
    /// the rank to nearest, which can answer one value below), clamped to the exact min and max.
    /// </summary>
    public long Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        // Decimal, so that 99.9 % of 1,000 is rank 999 and not 1,000 from a binary rounding.
        var rank = Math.Max(1, (long)Math.Ceiling((decimal)Math.Clamp(percentile, 0, 100) * total / 100m));
        foreach (var v in _h.RecordedValues())
        {
            if (v.TotalCountToThisValue >= rank)
            {
                return Math.Clamp(_h.HighestEquivalentValue(v.ValueIteratedTo), Min, Max);
            }
        }

        // Read while devices record, the counts can trail the total.
        return Max;
    }

    /// <summary>
    /// Everything the counters hold, in <see cref="Encoding"/> (min and max travel beside it, exact).
    /// HdrHistogram .NET 2.5.0's own compressed form is not the standard one: it leaves the deflate
    /// stream unfinished, without its Adler-32, so the Java, JavaScript and Python readers refuse it.
    /// So the V2 encoding is compressed here, with a proper zlib stream.
    /// </summary>
    public string ToCompressedBase64() => Compress(_h);

    internal static string Compress(HistogramBase h)
    {
        var buffer = ByteBuffer.Allocate(h.GetNeededByteBufferCapacity());
        var v2 = new byte[h.Encode(buffer, HistogramEncoderV2.Instance)];
        buffer.Position = 0; // ByteBuffer hands out its array only internally: read the bytes back
        for (var i = 0; i < v2.Length; i++)
        {
            v2[i] = buffer.Get();
        }

        using var output = new MemoryStream();
        output.Write(stackalloc byte[8]);
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(v2);
        }

        var bytes = output.GetBuffer().AsSpan(0, (int)output.Length);
        BinaryPrimitives.WriteInt32BigEndian(bytes, CompressedCookie);
        BinaryPrimitives.WriteInt32BigEndian(bytes[4..], bytes.Length - 8);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>
    /// Rebuilds a histogram from <see cref="ToCompressedBase64"/> and its exact extremes; merging such
    /// histograms is exact. An empty string is an empty histogram.
    /// </summary>
    /// <exception cref="FormatException">Not such an encoding, one of another range or precision, or extremes that do not fit the counts.</exception>
    public static LatencyHistogram FromCompressedBase64(string encoded, long min, long max)
    {
        var decoded = Decode(encoded);
        var h = new LatencyHistogram();
        if (decoded is null)
        {
            return h;
        }

        if (min < 0 || max < min || max > HighestTrackable
            || decoded.LowestEquivalentValue(min) != decoded.LowestEquivalentValue(Lowest(decoded))
            || decoded.HighestEquivalentValue(max) != decoded.GetMaxValue())
        {
            throw new FormatException($"min {min} and max {max} do not fit the recorded values");
        }

        h._h.Add(decoded);
        h._min = min;
        h._max = max;
        return h;
    }

    /// <summary>
    /// Rebuilds a histogram from <see cref="ToCompressedBase64"/> alone (a second of a timeseries):
    /// its min and max are then the bounds of the lowest and highest buckets.
    /// </summary>
    /// <exception cref="FormatException">Not such an encoding, or one of another range or precision.</exception>
    public static LatencyHistogram FromCompressedBase64(string encoded)
    {
        var decoded = Decode(encoded);
        return decoded is null ? new LatencyHistogram() : FromCompressedBase64(encoded, decoded.LowestEquivalentValue(Lowest(decoded)), Math.Min(decoded.GetMaxValue(), HighestTrackable));
    }

    // RFC 1950 section 8.2: the zlib stream's trailer.
    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Mod = 65521;
        uint a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % Mod;
            b = (b + a) % Mod;
        }

        return (b << 16) | a;
    }

    private static long Lowest(HistogramBase h) => h.RecordedValues().First().ValueIteratedTo;

    private static HistogramBase? Decode(string encoded)
    {
        if (encoded.Length == 0)
        {
            return null;
        }

        HistogramBase decoded;
        try
        {
            var bytes = Convert.FromBase64String(encoded);
            if (bytes.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(bytes) != CompressedCookie)
            {
                throw new FormatException("no V2 compressed cookie");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
            if (length < 0 || length > bytes.Length - 8)
            {
                throw new FormatException($"a compressed length of {length} in {bytes.Length - 8} bytes");
            }

            using var zlib = new ZLibStream(new MemoryStream(bytes, 8, length), CompressionMode.Decompress);
            var v2 = new byte[MaxEncodedBytes];
            var n = zlib.ReadAtLeast(v2, v2.Length, throwOnEndOfStream: false);
            if (n == v2.Length)
            {
                throw new FormatException($"more than {MaxEncodedBytes} bytes uncompressed");
            }

            // .NET's inflater stops quietly at the end of a truncated stream: the trailer must match.
            if (length < 6 || BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8 + length - 4)) != Adler32(v2.AsSpan(0, n)))
            {
                throw new FormatException("the zlib stream is truncated or its Adler-32 does not match");
            }

            decoded = HistogramEncoding.DecodeFromByteBuffer(ByteBuffer.Allocate(v2[..n]), 0, null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or IOException or OverflowException or NotSupportedException)
        {
            throw new FormatException($"not an HdrHistogram V2 compressed histogram in base64 ({e.Message})", e);
        }

        if (decoded.NumberOfSignificantValueDigits != SignificantDigits || decoded.LowestTrackableValue != 1 || decoded.HighestTrackableValue > HighestTrackable)
        {
            throw new FormatException($"a histogram of 1 to {decoded.HighestTrackableValue} at {decoded.NumberOfSignificantValueDigits} digits, but this simulator records 1 to {HighestTrackable} at {SignificantDigits}");
        }

        return decoded.TotalCount == 0 ? null : decoded;
    }

    public void Reset()
    {
        _h.Reset();
        Interlocked.Exchange(ref _min, long.MaxValue);
        Interlocked.Exchange(ref _max, 0);
    }
}
