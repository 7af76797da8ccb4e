using Simulator.Core.Health;

namespace Simulator.Tests.Health;

/// <summary>The run's health figures, taken a second at a time, against the same figures computed from every sample at once.</summary>
public sealed class HealthTotalsTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 5)]
    [InlineData(4, 6)]
    [InlineData(5, 7)]
    [InlineData(6, 200)]
    [InlineData(7, 5000)]
    public void StreamingFiguresEqualTheFiguresOfAllSamples(int seed, int count)
    {
        var random = new Random(seed);
        var samples = Enumerable.Range(0, count).Select(_ => Sample(random)).ToList();
        var totals = HealthTotals.Of(samples);

        Assert.Equal(count, totals.Count);
        Assert.Equal(UpperMedian(samples.Select(s => s.CpuPercent)), totals.CpuPercentP50, 6);
        Assert.Equal(UpperMedian(samples.Select(s => s.MachineCpuPercent ?? 0)), totals.MachineCpuPercentP50, 6);
        Assert.Equal(count == 0 ? 0 : samples.Max(s => s.CpuPercent), totals.CpuPercentMax);
        Assert.Equal(samples.Any(s => s.MachineCpuPercent is not null) ? samples.Max(s => s.MachineCpuPercent) : null, totals.MachineCpuPercentMax);
        Assert.Equal(count == 0 ? 0 : samples.Max(s => s.SchedulerLagP99Ms), totals.SchedulerLagP99MsMax);
        Assert.Equal(count == 0 ? 0 : samples.Max(s => s.ThreadPoolQueue), totals.ThreadPoolQueueMax);
        Assert.Equal(samples.Sum(s => s.GcPauseMs), totals.GcPauseMsTotal, 6);
        Assert.Equal(count == 0 ? 0 : samples.Max(s => s.GcPauseMs), totals.GcPauseMsMax);
        Assert.Equal(count == 0 ? 0 : samples.Max(s => s.OpenFiles ?? 0), totals.OpenFilesMax);
        Assert.Equal(count == 0 ? null : samples[0].OpenFileLimit, totals.OpenFileLimit);
        Assert.Equal(count == 0 ? 0 : samples.Max(s => s.WorkingSetBytes), totals.WorkingSetMaxBytes);
        Assert.Equal(samples.Count(s => s.Hot), totals.HotSeconds);
        Assert.Equal(Sustained(samples, s => s.CpuPercent), totals.SustainedCpuPercent);
        Assert.Equal(Sustained(samples, s => s.SchedulerLagP99Ms), totals.SustainedSchedulerLagMs);
    }

    [Fact]
    public void ASpikeShorterThanTheAllowedHotSecondsIsNotSustained()
    {
        var quiet = new HealthSample(10, 12, 0, 4, 1, 0, 100, 20000, 1 << 20, Hot: false);
        var spike = quiet with { CpuPercent = 99, Hot = true };
        var samples = Enumerable.Repeat(quiet, 20).ToList();
        samples.InsertRange(10, Enumerable.Repeat(spike, GeneratorHealth.HotSecondsAllowed));
        Assert.Equal(10, HealthTotals.Of(samples).SustainedCpuPercent);
        samples.Insert(10, spike);
        Assert.Equal(99, HealthTotals.Of(samples).SustainedCpuPercent);
    }

    // Rounded as the generator rounds them: CPU to 0.1 %, lag and GC pause to 0.01 ms.
    private static HealthSample Sample(Random r) => new(
        Math.Round(r.NextDouble() * (r.Next(10) == 0 ? 130 : 100), 1),
        r.Next(5) == 0 ? null : Math.Round(r.NextDouble() * 100, 1),
        r.Next(0, 500),
        r.Next(2, 40),
        Math.Round(r.NextDouble() * 80, 2),
        Math.Round(r.NextDouble() * 20, 2),
        r.Next(3) == 0 ? null : r.Next(10, 20000),
        20000,
        r.NextInt64(50 << 20, 400 << 20),
        r.Next(4) == 0);

    private static double UpperMedian(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    private static double Sustained(IReadOnlyList<HealthSample> samples, Func<HealthSample, double> value)
    {
        var window = GeneratorHealth.HotSecondsAllowed + 1;
        if (samples.Count < window)
        {
            return 0;
        }

        var best = double.MinValue;
        for (var i = 0; i + window <= samples.Count; i++)
        {
            best = Math.Max(best, samples.Skip(i).Take(window).Min(value));
        }

        return best;
    }
}
