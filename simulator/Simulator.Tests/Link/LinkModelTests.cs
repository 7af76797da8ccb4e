using System.Diagnostics;
using Simulator.Core.Load;
using Simulator.Core.Transport.Link;

namespace Simulator.Tests.Link;

/// <summary>The link model's arithmetic: rates with and without a bucket, round trips across a fleet, loss.</summary>
public sealed class LinkModelTests
{
    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    [Fact]
    public void ARateHoldsEachPacketForItsBytesAndTheirHeaders()
    {
        using var timers = new DelayScheduler();
        var model = new LinkModel(new LinkProfile(0, 0, 64, 32), timers, 0);
        var now = Stopwatch.GetTimestamp();
        Assert.Equal((1000 + 52) * 8 / 64.0, Ms(model.LeaveUp(now, 1000) - now), 1);
        Assert.Equal((1000 + 52) * 8 / 32.0, Ms(model.LeaveDown(now, 1000) - now), 1);

        // The next packet waits for the one before it.
        Assert.Equal(2 * (1000 + 52) * 8 / 64.0, Ms(model.LeaveUp(now, 1000) - now), 1);
    }

    [Fact]
    public void ABucketLetsItsDepthGoAtOnceAfterAPauseAndTheRestAtTheRate()
    {
        using var timers = new DelayScheduler();
        var model = new LinkModel(new LinkProfile(0, 0, 64, 64, BurstBytes: 1600), timers, 0);
        var now = Stopwatch.GetTimestamp();
        Assert.Equal(0, Ms(model.LeaveDown(now, 1448) - now), 1);
        Assert.Equal((1000 + 52 - (1600 - 1500)) * 8 / 64.0, Ms(model.LeaveDown(now, 1000) - now), 1);
    }

    /// <summary>The fleet's packets together keep the profile's median and tail, and devices differ from each other.</summary>
    [Fact]
    public void AFleetsRoundTripsHaveTheProfilesMedianAndTail()
    {
        using var timers = new DelayScheduler();
        var profile = new LinkProfile(100, 300);
        var draws = new List<double>();
        var medians = new List<double>();
        for (var device = 0; device < 2000; device++)
        {
            var model = new LinkModel(profile, timers, device);
            medians.Add(model.DeviceMedianMs);
            for (var i = 0; i < 50; i++)
            {
                draws.Add(2 * Ms(model.OneWayTicks(100)));
            }
        }

        draws.Sort();
        Assert.InRange(draws[draws.Count / 2], 90, 110);
        Assert.InRange(draws[(int)(draws.Count * 0.99)], 255, 345);
        medians.Sort();
        Assert.True(medians[^20] / medians[20] > 1.5, $"devices hardly differ: {medians[20]:F0} to {medians[^20]:F0} ms");

        // A device keeps its place in the fleet: the same index, the same median.
        Assert.Equal(new LinkModel(profile, timers, 7).DeviceMedianMs, new LinkModel(profile, timers, 7).DeviceMedianMs);
    }

    [Fact]
    public void LossCostsARetransmissionTimeoutPerLostSegment()
    {
        using var timers = new DelayScheduler();
        var clean = new LinkModel(new LinkProfile(100, 100), timers, 0);
        var lossy = new LinkModel(new LinkProfile(100, 100, LossRate: 0.1), timers, 0);
        var extra = Enumerable.Range(0, 20_000).Average(_ => Ms(lossy.OneWayTicks(100)) - Ms(clean.OneWayTicks(100)));

        // Each segment is lost with p = 0.1, again with p = 0.1 and so on: p / (1 - p) losses on average, each 200 ms + the round trip.
        Assert.InRange(extra, 0.9 * (0.1 / 0.9) * 300, 1.1 * (0.1 / 0.9) * 300);
    }
}
