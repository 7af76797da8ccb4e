using System.Numerics;

namespace Simulator.Core.Metrics;

/// <summary>
/// A mergeable log-linear histogram of non-negative integer values (we record microseconds).
/// Each power of two is split into 2^<see cref="SubBucketBits"/> linear sub-buckets, so any
/// recorded value is reported within a relative error of 2^-SubBucketBits (0.8% at 7 bits), at
/// any magnitude, in fixed memory (64 × 128 counters). Recording is lock-free; merging adds
/// counters, so per-device or per-second histograms combine exactly.
/// </summary>
public sealed class LogLinearHistogram
{
    public const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Exponents = 64 - SubBucketBits + 1;
    private readonly long[] _counts = new long[Exponents * SubBuckets];
    private long _count;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public long Min => Count == 0 ? 0 : Interlocked.Read(ref _min);

    public long Max => Interlocked.Read(ref _max);

    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    /// <summary>The exact sum of the recorded values.</summary>
    public long Sum => Interlocked.Read(ref _sum);

    /// <summary>
    /// The name of the lossless encoding <see cref="Buckets"/> gives: bucket index → count, where
    /// index i covers the values <see cref="Bounds"/> gives (exponent i / 128, sub-bucket i % 128).
    /// </summary>
    public const string Encoding = "log-linear-7";

    /// <summary>Memory one histogram holds: its counters (fixed, whatever is recorded) plus the object and its totals.</summary>
    public const int FootprintBytes = (Exponents * SubBuckets * sizeof(long)) + 24 + (4 * sizeof(long)) + 16;

    /// <summary>Upper bound of the relative error of any reported value.</summary>
    public static double RelativeError => 1.0 / SubBuckets;

    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        Interlocked.Increment(ref _counts[Index(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        long seen;
        while (value < (seen = Interlocked.Read(ref _min)) && Interlocked.CompareExchange(ref _min, value, seen) != seen)
        {
        }

        while (value > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
        {
        }
    }

    /// <summary>Adds another histogram's counts into this one.</summary>
    public void Merge(LogLinearHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Interlocked.Read(ref other._counts[i]);
            if (c != 0)
            {
                Interlocked.Add(ref _counts[i], c);
            }
        }

        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, Interlocked.Read(ref other._sum));
        if (other.Count > 0)
        {
            long seen;
            var min = other.Min;
            while (min < (seen = Interlocked.Read(ref _min)) && Interlocked.CompareExchange(ref _min, min, seen) != seen)
            {
            }

            var max = other.Max;
            while (max > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, max, seen) != seen)
            {
            }
        }
    }

    /// <summary>The value at a percentile (0-100): the midpoint of its bucket, clamped to the observed min and max.</summary>
    public long Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100.0 * total);
        rank = Math.Max(1, rank);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                var (low, high) = Bounds(i);
                var mid = low + ((high - low) / 2);
                return Math.Clamp(mid, Min, Max);
            }
        }

        return Max;
    }

    /// <summary>The non-empty buckets in index order: with <see cref="Min"/>, <see cref="Max"/> and <see cref="Sum"/>, everything the histogram holds.</summary>
    public IEnumerable<(int Index, long Count)> Buckets()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Interlocked.Read(ref _counts[i]);
            if (c != 0)
            {
                yield return (i, c);
            }
        }
    }

    /// <summary>Rebuilds a histogram from its <see cref="Buckets"/> and exact extremes and sum; merging such histograms is exact.</summary>
    /// <exception cref="ArgumentException">An index outside the histogram, a negative count, or extremes that cannot hold the buckets.</exception>
    public static LogLinearHistogram FromBuckets(IEnumerable<(int Index, long Count)> buckets, long min, long max, long sum)
    {
        var h = new LogLinearHistogram();
        foreach (var (index, count) in buckets)
        {
            if (index < 0 || index >= h._counts.Length || count < 0)
            {
                throw new ArgumentException($"bucket {index} with count {count} is not a {Encoding} bucket");
            }

            h._counts[index] += count;
            h._count += count;
        }

        if (h._count > 0)
        {
            if (min < 0 || max < min || Index(min) > Index(max))
            {
                throw new ArgumentException($"min {min} and max {max} cannot hold the buckets");
            }

            h._min = min;
            h._max = max;
            h._sum = sum;
        }

        return h;
    }

    public void Reset()
    {
        Array.Clear(_counts);
        _count = 0;
        _sum = 0;
        _min = long.MaxValue;
        _max = 0;
    }

    internal static int Index(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value; // exponent 0 holds 0..127 exactly
        }

        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value) - (SubBucketBits - 1);
        var sub = (int)(value >> (exponent - 1)) & (SubBuckets - 1);
        return (exponent * SubBuckets) + sub;
    }

    internal static (long Low, long High) Bounds(int index)
    {
        var exponent = index / SubBuckets;
        var sub = index % SubBuckets;
        if (exponent == 0)
        {
            return (sub, sub);
        }

        // Values with top bit at position exponent+SubBucketBits-1: width 2^(exponent-1) per sub-bucket.
        var width = 1L << (exponent - 1);
        var low = ((long)sub | SubBuckets) << (exponent - 1);
        return (low, low + width - 1);
    }
}
