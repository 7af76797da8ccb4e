using Simulator.Core.Capacity;
using Simulator.Core.Load.Profiles;

namespace Simulator.Tests.Capacity;

/// <summary>
/// The search's decisions, with steps judged by a stand-in target whose capacity is known: where it
/// climbs, where it bisects, and when it must say the generator, not the target, set the figure.
/// </summary>
public sealed class CapacitySearchTests
{
    private static CapacitySettings Settings(double start = 10, double max = 1000, int refine = 3) =>
        new() { StartRate = start, MaxRate = max, Growth = 1.5, RefineSteps = refine };

    /// <summary>A step judged against a target that copes up to <paramref name="capacity"/> and a generator that copes up to <paramref name="generatorLimit"/>.</summary>
    private static Func<double, string, int, CancellationToken, Task<CapacityStep>> Target(double capacity, double generatorLimit = double.MaxValue, List<double>? offered = null) =>
        (rate, stage, index, _) =>
        {
            offered?.Add(rate);
            var saturated = rate > generatorLimit;
            var broken = rate > capacity || saturated ? new[] { "error rate" } : [];
            return Task.FromResult(new CapacityStep { Index = index, Stage = stage, OfferedPerSecond = rate, GeneratorSaturatedSeconds = saturated ? 5 : 0, Broken = broken });
        };

    [Fact]
    public async Task ItClimbsToTheKneeThenBisects()
    {
        var offered = new List<double>();
        var r = await new CapacitySearch(Settings(), Target(100, offered: offered)).RunAsync(CancellationToken.None);
        Assert.Equal([10, 15, 22.5, 33.8, 50.7, 76.1, 114.2, 95.2, 104.7, 100], offered);
        Assert.Equal(LimitedBy.Target, r.LimitedBy);
        Assert.Equal(100, r.SustainableConnectsPerSecond);
        Assert.Equal(104.7, r.KneeConnectsPerSecond);
        Assert.Equal(["climb", "climb", "climb", "climb", "climb", "climb", "climb", "refine", "refine", "refine"], r.Steps.Select(s => s.Stage));
    }

    [Fact]
    public async Task AGeneratorThatSaturatesFirstMakesTheFigureALowerBound()
    {
        var r = await new CapacitySearch(Settings(), Target(capacity: 100, generatorLimit: 40)).RunAsync(CancellationToken.None);
        Assert.Equal(LimitedBy.Generator, r.LimitedBy);
        Assert.Equal(33.8, r.SustainableConnectsPerSecond);
        Assert.Contains("lower bound", r.Conclusion, StringComparison.Ordinal);
        Assert.Equal(5, r.Steps.Count); // no refining past a step the generator could not offer
    }

    [Fact]
    public async Task ASaturatedGeneratorDuringRefiningAlsoEndsTheSearch()
    {
        // The climb's bad step (114.2) was the target's; the refining step above 100 saturates the generator.
        var target = Target(100);
        var r = await new CapacitySearch(Settings(), async (rate, stage, index, ct) =>
        {
            var step = await target(rate, stage, index, ct);
            return stage == "refine" && !step.Good ? step with { GeneratorSaturatedSeconds = 3 } : step;
        }).RunAsync(CancellationToken.None);
        Assert.Equal(LimitedBy.Generator, r.LimitedBy);
        Assert.Equal(95.2, r.SustainableConnectsPerSecond);
        Assert.Equal("refine", r.Steps[^1].Stage);
    }

    [Fact]
    public async Task ReachingTheMaximumIsSaidAsSuch()
    {
        var offered = new List<double>();
        var r = await new CapacitySearch(Settings(max: 60), Target(1000, offered: offered)).RunAsync(CancellationToken.None);
        Assert.Equal(LimitedBy.MaxRate, r.LimitedBy);
        Assert.Equal(60, r.SustainableConnectsPerSecond);
        Assert.Equal(60, offered[^1]);
        Assert.Null(r.KneeConnectsPerSecond);
    }

    [Fact]
    public async Task AFirstStepAlreadyBadFindsNothingSustainable()
    {
        var r = await new CapacitySearch(Settings(start: 50, refine: 2), Target(15)).RunAsync(CancellationToken.None);
        Assert.Equal(LimitedBy.Target, r.LimitedBy);
        Assert.Equal(12.5, r.SustainableConnectsPerSecond); // 50 bad, 25 bad, 12.5 good
    }

    [Fact]
    public async Task CancellingKeepsWhatWasMeasured()
    {
        using var cts = new CancellationTokenSource();
        var steps = 0;
        var r = await new CapacitySearch(Settings(), (rate, stage, index, ct) =>
        {
            if (++steps == 3)
            {
                cts.Cancel();
                ct.ThrowIfCancellationRequested();
            }

            return Target(100)(rate, stage, index, ct);
        }).RunAsync(cts.Token);
        Assert.True(r.Cancelled);
        Assert.Equal(2, r.Steps.Count);
        Assert.Equal(15, r.SustainableConnectsPerSecond);
    }

    [Fact]
    public async Task ABadStepTheGeneratorDisturbedIsOfferedAgain()
    {
        // The first offer of 33.8/s meets a stall (late arrivals, a burst); offered again it is good.
        var offered = new List<double>();
        var stalls = 1;
        var target = Target(100, offered: offered);
        var r = await new CapacitySearch(Settings(), async (rate, stage, index, ct) =>
        {
            var step = await target(rate, stage, index, ct);
            return rate == 33.8 && stalls-- > 0 ? step with { Attempts = 169, ArrivalsLate = 20, Broken = ["error rate"] } : step;
        }).RunAsync(CancellationToken.None);
        Assert.Equal(LimitedBy.Target, r.LimitedBy);
        Assert.Equal(100, r.SustainableConnectsPerSecond);
        Assert.Equal(2, offered.Count(o => o == 33.8));
        Assert.True(r.Steps[3].Repeated && r.Steps[3].Disturbed && !r.Steps[3].Good);
        Assert.True(r.Steps[4].Good && !r.Steps[4].Repeated);
    }

    [Fact]
    public async Task AStepStillDisturbedAfterEveryRetryMakesTheGeneratorTheLimit()
    {
        // Every offer above 40/s has a hot second: the target is never seen to break, so the figure is the generator's.
        var target = Target(100);
        var r = await new CapacitySearch(Settings(), async (rate, stage, index, ct) =>
        {
            var step = await target(rate, stage, index, ct);
            return rate > 40 ? step with { HotSeconds = 1, Broken = ["connect p99"] } : step;
        }).RunAsync(CancellationToken.None);
        Assert.Equal(LimitedBy.Generator, r.LimitedBy);
        Assert.Equal(33.8, r.SustainableConnectsPerSecond);
        Assert.Equal(4 + 3, r.Steps.Count); // 50.7 offered three times (two retries), no refining
        Assert.Equal([true, true, false], r.Steps.Skip(4).Select(s => s.Repeated));
    }

    [Fact]
    public async Task ABadStepWithAFewLateArrivalsIsTheTargets()
    {
        // One late arrival in 500 is not a burst: the step is not disturbed, and the target is the limit.
        var target = Target(100);
        var r = await new CapacitySearch(Settings(), async (rate, stage, index, ct) =>
        {
            var step = await target(rate, stage, index, ct);
            return step with { Attempts = 500, ArrivalsLate = 1 };
        }).RunAsync(CancellationToken.None);
        Assert.Equal(LimitedBy.Target, r.LimitedBy);
        Assert.DoesNotContain(r.Steps, s => s.Repeated);
    }
}
