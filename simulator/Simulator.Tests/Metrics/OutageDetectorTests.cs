using System.Diagnostics;
using Simulator.Core.Metrics;

namespace Simulator.Tests.Metrics;

/// <summary>The rule that names a server's closes: a fleet-wide burst is an outage, a lone close keeps its own name.</summary>
public sealed class OutageDetectorTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    private static Dictionary<string, int> Settle(OutageDetector d, long now, bool all = false)
    {
        var named = new Dictionary<string, int>();
        d.Settle(now, all, (_, name) => named[name] = named.GetValueOrDefault(name) + 1);
        return named;
    }

    [Fact]
    public void OneDeviceClosedAfterItsPublishWhileTheFleetStaysUpIsAPolicyDenial()
    {
        var d = new OutageDetector(TimeSpan.FromSeconds(1));
        d.Hold(new HeldClose(1000 * Ms, "ClosedAfterPublish", "Publish", ConnectedThen: 100));
        Assert.Empty(Settle(d, 1500 * Ms)); // held for its window
        Assert.Equal(new Dictionary<string, int> { ["ClosedAfterPublish"] = 1 }, Settle(d, 2001 * Ms));
        Assert.Equal(0, d.Held);
    }

    [Fact]
    public void HalfTheFleetClosedWithinOneSecondIsTargetClosedAllWhateverEachHadSent()
    {
        var d = new OutageDetector(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 60; i++)
        {
            d.Hold(new HeldClose((1000 + i) * Ms, i % 3 == 0 ? "ClosedAfterPublish" : "ClosedByServer", "Publish", ConnectedThen: 100));
        }

        Assert.Equal(new Dictionary<string, int> { [OutageDetector.Name] = 60 }, Settle(d, 3000 * Ms));
    }

    [Fact]
    public void CloseToHalfIsNotEnoughAndTheSameClosesSpreadOutKeepTheirNames()
    {
        var d = new OutageDetector(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 49; i++)
        {
            d.Hold(new HeldClose((1000 + i) * Ms, "ClosedByServer", "None", ConnectedThen: 100));
        }

        Assert.Equal(new Dictionary<string, int> { ["ClosedByServer"] = 49 }, Settle(d, 3000 * Ms));

        // 60 closes, one every 200 ms: never half the fleet within a second.
        for (var i = 0; i < 60; i++)
        {
            d.Hold(new HeldClose((10_000 + (i * 200)) * Ms, "ClosedAfterPublish", "Publish", ConnectedThen: 100));
        }

        Assert.Equal(new Dictionary<string, int> { ["ClosedAfterPublish"] = 60 }, Settle(d, 60_000 * Ms));
    }

    [Fact]
    public void ALoneDeviceCannotTellAnOutageAndTheRunsEndNamesWhatIsStillHeld()
    {
        var d = new OutageDetector(TimeSpan.FromSeconds(1));
        d.Hold(new HeldClose(1000 * Ms, "ClosedByServer", "None", ConnectedThen: 1));
        d.Hold(new HeldClose(5000 * Ms, "ClosedByServer", "None", ConnectedThen: 2));
        d.Hold(new HeldClose(5001 * Ms, "ClosedAfterPublish", "Publish", ConnectedThen: 2));
        Assert.Equal(new Dictionary<string, int> { ["ClosedByServer"] = 1, [OutageDetector.Name] = 2 }, Settle(d, 5002 * Ms, all: true));
    }

    [Fact]
    public void ADenialLoopWhoseSessionsDieMomentsAfterTheyConnectIsNotAnOutage()
    {
        // Ten sessions within a second, each born 2 ms before its close and after the window's
        // first close: devices looping through a publish denial, one after another.
        var loop = new OutageDetector(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            loop.Hold(new HeldClose((1000 + (i * 50)) * Ms, "ClosedAfterPublish", "Publish", ConnectedThen: 2, BornAt: (998 + (i * 50)) * Ms));
        }

        Assert.Equal(new Dictionary<string, int> { ["ClosedAfterPublish"] = 10 }, Settle(loop, 5000 * Ms));

        // Closes at the subscription of sessions that overlap (all up at the first close): still each
        // the server's answer to its own SUBSCRIBE, since every SUBSCRIBE is answered.
        var overlapping = new OutageDetector(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            overlapping.Hold(new HeldClose((1000 + (i * 50)) * Ms, "ClosedAfterSubscribe", "Subscribe", ConnectedThen: 10, BornAt: 990 * Ms));
        }

        Assert.Equal(new Dictionary<string, int> { ["ClosedAfterSubscribe"] = 10 }, Settle(overlapping, 5000 * Ms));

        // Eight closes at the subscription and one unprompted close in the same second: the eight
        // answered their own SUBSCRIBEs and are no burst's victims, so the ninth keeps its name too.
        var mixed = new OutageDetector(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 8; i++)
        {
            mixed.Hold(new HeldClose((1000 + (i * 50)) * Ms, "ClosedAfterSubscribe", "Subscribe", ConnectedThen: 10, BornAt: 990 * Ms));
        }

        mixed.Hold(new HeldClose(1500 * Ms, "ClosedByServer", "None", ConnectedThen: 10, BornAt: 500 * Ms));
        Assert.Equal(new Dictionary<string, int> { ["ClosedAfterSubscribe"] = 8, ["ClosedByServer"] = 1 }, Settle(mixed, 5000 * Ms));

        // The same fleet closed while idle or publishing, every session up before the first close: the target went away.
        var outage = new OutageDetector(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            outage.Hold(new HeldClose((1000 + (i * 50)) * Ms, i % 2 == 0 ? "ClosedByServer" : "ClosedAfterPublish", "Publish", ConnectedThen: 10, BornAt: 500 * Ms));
        }

        Assert.Equal(new Dictionary<string, int> { [OutageDetector.Name] = 10 }, Settle(outage, 5000 * Ms));
    }
}
