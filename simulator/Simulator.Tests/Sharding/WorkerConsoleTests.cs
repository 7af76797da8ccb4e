using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Hosting;

namespace Simulator.Tests.Sharding;

/// <summary>
/// The combined console of <c>run --workers</c>: rows go through the same timeseries.csv line a
/// worker writes, and each wall-clock second is shown once, combined, in order.
/// </summary>
public sealed class WorkerConsoleTests
{
    private const long Start = 1_800_000_000;

    private static SecondRow Row(long unix, long connected, long connects, params long[] latenciesUs)
    {
        var h = new LatencyHistogram();
        foreach (var v in latenciesUs)
        {
            h.Record(v);
        }

        var row = new SecondRow((int)(unix - Start), "hold", 10, 10, 10 - connected, connected, 0, 0, true, 0, connects, 0, 3, 3, 3, 0, double.NaN, double.NaN, new Dictionary<string, long> { ["Throttled"] = 1 }, new HealthSample(40, 90, 0, 8, 2, 0, 100, null, 1 << 20, false))
        {
            UnixSecond = unix,
            ConnectHistogram = h.Count == 0 ? string.Empty : h.ToCompressedBase64(),
        };

        // Through the wire form the workers use: what arrives is what was parsed.
        return new TimeseriesReader(TimeseriesCsv.Header, "worker").Parse(TimeseriesCsv.Line(row), 1);
    }

    [Fact]
    public void EachSecondIsShownOnceCombinedWhenEveryWorkerHasReportedIt()
    {
        var shown = new List<SecondRow>();
        var console = new WorkerConsole(2, Start, shown.Add);
        console.Add(0, Row(Start + 1, 4, 4, 1_000, 2_000, 3_000, 4_000));
        console.Add(1, Row(Start + 1, 6, 6, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000));
        console.Add(0, Row(Start + 2, 4, 0));
        Assert.Empty(shown); // worker 1 has not moved past second 1: a late row may still come
        console.Add(1, Row(Start + 2, 6, 0));
        var first = Assert.Single(shown);
        Assert.Equal((1, 10L, 10L, 2L, 6L), (first.Second, first.Connected, first.ConnectsOk, first.ErrorsByClass["Throttled"], first.Publishes));
        Assert.Equal(2 << 20, first.Health.WorkingSetBytes);
        Assert.Equal(200, first.Health.OpenFiles);

        // The p99 of the second is the p99 of both workers' connects together, not of either (per
        // second, the extremes are bucket bounds: rows carry only the encoding).
        var exact = new LatencyHistogram();
        foreach (var v in new long[] { 1_000, 2_000, 3_000, 4_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000 })
        {
            exact.Record(v);
        }

        var pooled = LatencyHistogram.FromCompressedBase64(exact.ToCompressedBase64());
        Assert.Equal(pooled.Percentile(99) / 1000.0, first.ConnectP99Ms);
        Assert.Equal(pooled.Percentile(50) / 1000.0, first.ConnectP50Ms);
    }

    [Fact]
    public void AWorkerThatSkippedASecondStillCountsItsDevicesAndAStalledOneCannotFreezeTheConsole()
    {
        var shown = new List<SecondRow>();
        var console = new WorkerConsole(2, Start, shown.Add);
        console.Add(0, Row(Start + 1, 5, 5));
        console.Add(1, Row(Start + 1, 5, 5));
        console.Add(0, Row(Start + 2, 5, 0));
        Assert.Empty(shown); // second 1 waits for worker 1...
        console.Add(0, Row(Start + 3, 5, 0));
        Assert.Single(shown); // ...until the grace has passed
        console.Add(0, Row(Start + 4, 5, 0));
        Assert.Equal(2, shown.Count);

        // Worker 1's late tick skipped second 2: its devices stand in at their last level.
        Assert.All(shown, r => Assert.Equal(10, r.Connected));
        Assert.Equal([10L, 0], shown.Select(r => r.ConnectsOk));

        // A worker that has ended is not waited for, and its devices no longer count.
        console.Exited(1);
        Assert.Equal(3, shown.Count);
        Assert.Equal(5, shown[^1].Connected);
        console.Add(0, Row(Start + 5, 5, 0));
        console.Flush();
        Assert.Equal([1, 2, 3, 4, 5], shown.Select(r => r.Second));
    }

    [Fact]
    public void ALateTickGivesTwoRowsInOneSecondTheirFlowsAddAndTheirLevelsDoNot()
    {
        var shown = new List<SecondRow>();
        var console = new WorkerConsole(1, Start, shown.Add);
        console.Add(0, Row(Start + 1, 7, 3));
        console.Add(0, Row(Start + 1, 8, 1));
        console.Add(0, Row(Start + 2, 8, 0));
        var row = Assert.Single(shown);
        Assert.Equal((8L, 4L), (row.Connected, row.ConnectsOk));
    }
}
