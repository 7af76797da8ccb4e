using Simulator.Core.Histograms;
using Simulator.Core.Metrics;

namespace Simulator.Tests.Metrics;

public sealed class HistogramTests
{
    [Fact]
    public void PercentilesStayWithinTheRelativeErrorAtEveryMagnitude()
    {
        var rng = new Random(1);
        var values = Enumerable.Range(0, 100_000).Select(_ => (long)Math.Exp(rng.NextDouble() * 20)).ToArray();
        var h = new LatencyHistogram();
        foreach (var v in values)
        {
            h.Record(v);
        }

        Array.Sort(values);
        foreach (var p in new[] { 1.0, 50, 90, 99, 99.9, 100 })
        {
            var exact = values[Math.Max(0, (int)Math.Ceiling(p / 100 * values.Length) - 1)];
            var reported = h.Percentile(p);
            Assert.True(Math.Abs(reported - exact) <= Math.Max(1, exact * LatencyHistogram.RelativeError), $"p{p}: {reported} vs {exact}");
        }

        Assert.Equal(values[0], h.Min);
        Assert.Equal(values[^1], h.Max);
        var mean = values.Average(v => (double)v);
        Assert.InRange(h.Mean, mean * (1 - LatencyHistogram.RelativeError), mean * (1 + LatencyHistogram.RelativeError));
        Assert.Equal(1.0 / 128, LatencyHistogram.RelativeError);
    }

    [Fact]
    public void MergingEqualsRecordingEverythingInOne()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        for (var i = 0; i < 10_000; i++)
        {
            (i % 3 == 0 ? a : b).Record(i * 37L);
            all.Record(i * 37L);
        }

        a.Merge(b);
        Assert.Equal(all.Count, a.Count);
        foreach (var p in new[] { 10.0, 50, 99, 99.99 })
        {
            Assert.Equal(all.Percentile(p), a.Percentile(p));
        }

        Assert.Equal(all.Min, a.Min);
        Assert.Equal(all.Max, a.Max);
        Assert.Equal(all.ToCompressedBase64(), a.ToCompressedBase64());
    }

    [Fact]
    public void APercentileIsTheNearestRankRoundedUpNeverTheValueBelow()
    {
        // p99 of 1,060 values is rank ⌈1,049.4⌉ = 1,050: the first slow one. Rounding the rank to
        // nearest (HdrHistogram .NET's GetValueAtPercentile) answers rank 1,049, a fast one.
        var h = new LatencyHistogram();
        for (var i = 0; i < 1_060; i++)
        {
            h.Record(i < 1_049 ? 1_000 : 50_000);
        }

        Assert.Equal(50_000, h.Percentile(99));
        Assert.InRange(h.Percentile(98.9), 1_000, 1_000 * (1 + LatencyHistogram.RelativeError));
    }

    [Fact]
    public void AValueBeyondAnHourIsRecordedAsAnHourAndNegativeAsZero()
    {
        var h = new LatencyHistogram();
        h.Record(long.MaxValue);
        h.Record(-5);
        Assert.Equal(2, h.Count);
        Assert.Equal(LatencyHistogram.HighestTrackable, h.Max);
        Assert.Equal(0, h.Min);
        Assert.Equal(LatencyHistogram.HighestTrackable, h.Percentile(100));
    }

    [Fact]
    public void TheEncodingCarriesEveryCountAndTheExtremesTravelBeside()
    {
        var rng = new Random(7);
        var h = new LatencyHistogram();
        for (var i = 0; i < 20_000; i++)
        {
            h.Record((long)Math.Exp(rng.NextDouble() * 16));
        }

        var text = h.ToCompressedBase64();
        var back = LatencyHistogram.FromCompressedBase64(text, h.Min, h.Max);
        Assert.Equal((h.Count, h.Min, h.Max, h.Mean), (back.Count, back.Min, back.Max, back.Mean));
        foreach (var p in new[] { 0.0, 50, 90, 99, 99.9, 100 })
        {
            Assert.Equal(h.Percentile(p), back.Percentile(p));
        }

        Assert.Equal(text, back.ToCompressedBase64());

        // Without the extremes (a timeseries second), they are the bounds of the outer buckets.
        var loose = LatencyHistogram.FromCompressedBase64(text);
        Assert.Equal(h.Count, loose.Count);
        Assert.InRange(loose.Min, h.Min * (1 - LatencyHistogram.RelativeError), h.Min);
        Assert.InRange(loose.Max, h.Max, h.Max * (1 + LatencyHistogram.RelativeError));
        Assert.Equal(0, LatencyHistogram.FromCompressedBase64(string.Empty).Count);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("HISTFAAAACl4nJNpmSzMwMBgyAABzFCaEUzOmTX")]
    public void ANonHistogramIsAFormatError(string text) =>
        Assert.Throws<FormatException>(() => LatencyHistogram.FromCompressedBase64(text));

    [Fact]
    public void HdrHistogramDotNetsOwnCompressedFormIsRefusedForItIsNotTheStandardOne()
    {
        // 2.5.0 leaves the deflate stream unfinished and without its Adler-32: the Java, JavaScript
        // and Python readers refuse it, and so do we, rather than write or accept it.
        var h = new HdrHistogram.LongHistogram(1, LatencyHistogram.HighestTrackable, LatencyHistogram.SignificantDigits);
        h.RecordValue(1_000);
        var buffer = HdrHistogram.Utilities.ByteBuffer.Allocate(h.GetNeededByteBufferCapacity());
        var bytes = new byte[HdrHistogram.HistogramEncoding.EncodeIntoCompressedByteBuffer(h, buffer)];
        buffer.Position = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = buffer.Get();
        }

        Assert.Throws<FormatException>(() => LatencyHistogram.FromCompressedBase64(Convert.ToBase64String(bytes)));
        Assert.Equal(1, LatencyHistogram.FromCompressedBase64(LatencyHistogram.Compress(h)).Count);
    }

    [Fact]
    public void ExtremesThatDoNotFitTheCountsAreRefused()
    {
        var h = new LatencyHistogram();
        h.Record(1_000);
        h.Record(50_000);
        var text = h.ToCompressedBase64();
        Assert.Throws<FormatException>(() => LatencyHistogram.FromCompressedBase64(text, 2_000, 50_000));
        Assert.Throws<FormatException>(() => LatencyHistogram.FromCompressedBase64(text, 1_000, 60_000));
        Assert.Throws<FormatException>(() => LatencyHistogram.FromCompressedBase64(text, 1_000, 999));

        // Another precision is another histogram: refused rather than merged into the wrong buckets.
        var other = new HdrHistogram.LongHistogram(1, LatencyHistogram.HighestTrackable, 3);
        other.RecordValue(1_000);
        var e = Assert.Throws<FormatException>(() => LatencyHistogram.FromCompressedBase64(LatencyHistogram.Compress(other)));
        Assert.Contains("3 digits", e.Message, StringComparison.Ordinal);
    }
}
