using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Metrics;

namespace Simulator.Tests.Metrics;

/// <summary>A long run's seconds in bounded memory: joined rows keep every count, the span's own percentiles and the last states.</summary>
[Collection(nameof(Mqtt.AllocationCollection))] // the heap is measured: no other test runs meanwhile
public sealed class SecondHistoryTests
{
    [Theory]
    [InlineData(1, 8, 7)]
    [InlineData(2, 8, 8)]
    [InlineData(3, 8, 9)]
    [InlineData(4, 16, 1000)]
    [InlineData(5, 64, 5001)]
    public void JoinedRowsKeepEveryCountTheirSpansPercentilesAndTheLastStates(int seed, int capacity, int seconds)
    {
        var random = new Random(seed);
        var input = Enumerable.Range(1, seconds).Select(s => Row(random, s)).ToList();
        var history = new SecondHistory(capacity);
        foreach (var row in input)
        {
            history.Add(row);
        }

        var rows = history.Rows;
        Assert.InRange(rows.Count, 1, capacity);
        Assert.Equal(seconds, rows.Sum(r => r.Seconds));
        Assert.All(rows.SkipLast(1), r => Assert.Equal(history.Width, r.Seconds));
        Assert.Equal(input.Sum(r => r.ConnectsOk), rows.Sum(r => r.ConnectsOk));
        Assert.Equal(input.Sum(r => r.ConnectsFailed), rows.Sum(r => r.ConnectsFailed));
        Assert.Equal(input.Sum(r => r.Publishes), rows.Sum(r => r.Publishes));
        Assert.Equal(input.Sum(r => r.Drops), rows.Sum(r => r.Drops));
        Assert.Equal(input.Sum(r => r.Authorizer!.Value.Invocations), rows.Sum(r => r.Authorizer!.Value.Invocations));
        Assert.Equal(input.Max(r => r.Authorizer!.Value.InFlight), rows.Max(r => r.Authorizer!.Value.InFlight));
        Assert.Equal(input.Sum(r => r.ErrorsByClass.GetValueOrDefault("Timeout")), rows.Sum(r => r.ErrorsByClass.GetValueOrDefault("Timeout")));

        // Each row against the seconds it says it covers, read from the input directly.
        foreach (var row in rows)
        {
            var covered = input.Where(r => r.Second >= row.Second && r.Second < row.Second + row.Seconds).ToList();
            Assert.Equal(row.Seconds, covered.Count);
            Assert.Equal(covered[^1].Connected, row.Connected);
            Assert.Equal(covered[^1].UnixSecond, row.UnixSecond);
            Assert.Equal(covered.Max(r => r.Health.CpuPercent), row.Health.CpuPercent);
            Assert.Equal(covered.Any(r => r.Health.Hot), row.Health.Hot);
            Assert.Equal(covered.Sum(r => r.ConnectsOk), row.ConnectsOk);
            var merged = new LatencyHistogram();
            foreach (var r in covered)
            {
                merged.Merge(LatencyHistogram.FromCompressedBase64(r.ConnectHistogram));
            }

            Assert.Equal(merged.Count, LatencyHistogram.FromCompressedBase64(row.ConnectHistogram).Count);
            if (row.Seconds > 1)
            {
                Assert.Equal(merged.Count == 0 ? double.NaN : merged.Percentile(99) / 1000.0, row.ConnectP99Ms);
            }
        }
    }

    [Fact]
    public void ADayOfSecondsHoldsNoMoreThanTheCapacity()
    {
        // 86,400 rows kept whole would hold tens of MB; the history holds at most 3,600 of them.
        var random = new Random(9);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var history = new SecondHistory();
        for (var s = 1; s <= 86_400; s++)
        {
            history.Add(Row(random, s, connecting: s % 60 == 0)); // a long hold: connects now and then
        }

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.Equal(32, history.Width);
        Assert.InRange(history.Rows.Count, 1, SecondHistory.DefaultCapacity);
        Assert.True(held < 8L << 20, $"the history holds {held >> 20} MB");
        GC.KeepAlive(history);
    }

    private static SecondRow Row(Random r, int second, bool connecting = true)
    {
        var connect = new LatencyHistogram();
        var ok = connecting ? r.Next(0, 30) : 0;
        for (var i = 0; i < ok; i++)
        {
            connect.Record(r.Next(500, 200_000));
        }

        var errors = r.Next(3) == 0 ? new Dictionary<string, long> { ["Timeout"] = r.Next(1, 5) } : new Dictionary<string, long>();
        var health = new HealthSample(Math.Round(r.NextDouble() * 100, 1), 50, r.Next(100), 8, Math.Round(r.NextDouble() * 10, 2), 0.5, 200, 20000, 100 << 20, r.Next(10) == 0);
        return new SecondRow(
            second, "2/3 hold", 500, 500, r.Next(10), r.Next(400, 500), r.Next(10), 0, true, r.Next(10),
            ok, r.Next(3), r.Next(100), r.Next(100), r.Next(100), r.Next(2),
            connect.Count == 0 ? double.NaN : connect.Percentile(50) / 1000.0, connect.Count == 0 ? double.NaN : connect.Percentile(99) / 1000.0,
            errors, health)
        {
            UnixSecond = 1_800_000_000 + second,
            ConnectHistogram = connect.Count == 0 ? string.Empty : connect.ToCompressedBase64(),
            Authorizer = new AuthorizerSample(r.Next(30), r.Next(5), 0, r.Next(2), 0, r.Next(20)),
        };
    }
}
