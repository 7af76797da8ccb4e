using Simulator.Core.Metrics;

namespace Simulator.Tests.Metrics;

public sealed class HistogramTests
{
    [Fact]
    public void PercentilesStayWithinTheRelativeErrorAtEveryMagnitude()
    {
        var rng = new Random(1);
        var values = Enumerable.Range(0, 100_000).Select(_ => (long)Math.Exp(rng.NextDouble() * 20)).ToArray();
        var h = new LogLinearHistogram();
        foreach (var v in values)
        {
            h.Record(v);
        }

        Array.Sort(values);
        foreach (var p in new[] { 1.0, 50, 90, 99, 99.9, 100 })
        {
            var exact = values[Math.Max(0, (int)Math.Ceiling(p / 100 * values.Length) - 1)];
            var reported = h.Percentile(p);
            Assert.True(Math.Abs(reported - exact) <= Math.Max(1, exact * LogLinearHistogram.RelativeError), $"p{p}: {reported} vs {exact}");
        }

        Assert.Equal(values[0], h.Min);
        Assert.Equal(values[^1], h.Max);
        Assert.Equal(values.Average(v => (double)v), h.Mean, 6);
    }

    [Fact]
    public void MergingEqualsRecordingEverythingInOne()
    {
        var a = new LogLinearHistogram();
        var b = new LogLinearHistogram();
        var all = new LogLinearHistogram();
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
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(127L)]
    [InlineData(128L)]
    [InlineData(1_000_003L)]
    [InlineData(long.MaxValue / 2)]
    public void EveryValueFallsInsideItsBucket(long value)
    {
        var (low, high) = LogLinearHistogram.Bounds(LogLinearHistogram.Index(value));
        Assert.InRange(value, low, high);
    }
}
