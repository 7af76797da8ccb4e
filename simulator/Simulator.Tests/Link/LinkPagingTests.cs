using System.Diagnostics;
using Simulator.Core.Load;
using Simulator.Core.Transport.Link;

namespace Simulator.Tests.Link;

/// <summary>eDRX paging on a link: downlink to an idle device waits for its window; a connected radio is not paged.</summary>
public sealed class LinkPagingTests
{
    private static readonly long F = Stopwatch.Frequency;

    [Fact]
    public void TheNextWindowIsNowInsideOneAndTheNextCyclesStartOutside()
    {
        var paging = new LinkPaging(CycleSeconds: 10, WindowSeconds: 2, InactivitySeconds: 1);
        var offset = 3 * F;
        Assert.Equal(3 * F, paging.NextWindow(3 * F, offset));               // the window's first instant
        Assert.Equal((4 * F) + 1, paging.NextWindow((4 * F) + 1, offset));   // inside it
        Assert.Equal(13 * F, paging.NextWindow(5 * F, offset));              // just after it: the next cycle
        Assert.Equal(13 * F, paging.NextWindow(12 * F, offset));
        Assert.Equal(-7 * F, paging.NextWindow(-8 * F, offset));            // before the offset, too
    }

    [Fact]
    public void AnIdleDevicesDownlinkWaitsForItsWindowAndThenItsRadioIsConnected()
    {
        using var timers = new DelayScheduler();
        var model = new LinkModel(new LinkProfile(0, 0), timers, 7) { Paging = new LinkPaging(10, 2, 1) };
        var now = Stopwatch.GetTimestamp();

        // Right after the device's own send its radio is connected: the answer is not held.
        model.LeaveUp(now, 100);
        Assert.Equal(now + (F / 2), model.Reachable(now + (F / 2)));

        // Idle for longer than the inactivity time: held to a window, less than a cycle away.
        var came = now + (3 * F);
        var at = model.Reachable(came);
        Assert.InRange(at - came, 0, 10 * F);

        // Paged, the radio connects: more downlink just after is not held.
        Assert.Equal(at + (F / 4), model.Reachable(at + (F / 4)));
    }

    [Fact]
    public void IdleDownlinkOverAFleetWaitsForWindowsSpreadOverTheCycle()
    {
        // Each device's windows start at its own offset, so a broadcast to an idle fleet lands over
        // the whole cycle: no more than a cycle's wait, about half a cycle's less the window on average.
        using var timers = new DelayScheduler();
        var now = Stopwatch.GetTimestamp();
        var waits = new List<double>();
        for (var i = 0; i < 2000; i++)
        {
            var model = new LinkModel(new LinkProfile(0, 0), timers, i) { Paging = new LinkPaging(10, 2, 1) };
            waits.Add((model.Reachable(now) - now) / (double)F);
        }

        Assert.All(waits, w => Assert.InRange(w, 0, 10));
        var heldAtOnce = waits.Count(w => w == 0) / (double)waits.Count;
        Assert.InRange(heldAtOnce, 0.15, 0.25); // in a window already: 2 s of every 10
        Assert.InRange(waits.Average(), 2.8, 3.6); // 0.2 × 0 + 0.8 × 4 s = 3.2 s
    }

    [Fact]
    public void ALinkWithoutPagingIsAlwaysReachable()
    {
        using var timers = new DelayScheduler();
        var model = new LinkModel(new LinkProfile(0, 0), timers, 7);
        var came = Stopwatch.GetTimestamp() + (100 * F);
        Assert.Equal(came, model.Reachable(came));
    }
}
