using Simulator.Core.Identity;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Tests.Support.Devices;

namespace Simulator.Tests.Load;

/// <summary>A run longer than its history's capacity keeps joined rows that still cover every second it sampled, its counts intact.</summary>
public sealed class EngineHistoryTests
{
    [Fact]
    public async Task AnOutcomeOverItsCapacityCoversEverySecondInFewerRows()
    {
        var profile = ProfileLoader.Parse(System.Text.Encoding.UTF8.GetBytes(RunHarness.DeviceOnlyProfile("""[ { "kind": "ramp", "rate": 10 }, { "kind": "hold", "seconds": 5 } ]""", 10)), "test.json");
        using var scheduler = new DelayScheduler();
        var fleet = Fleet.Generate(new FleetSpec { Seed = 3, Count = 10 });
        var seen = new List<SecondRow>();
        var engine = new LoadEngine(profile, new RunMetrics(), [.. Enumerable.Range(0, 10).Select(i => fleet[i])], _ => new IdleDevice(), new EngineGauges(scheduler.TakeLag))
        {
            HistoryCapacity = 2,
            RowClosed = seen.Add,
        };
        var outcome = await engine.RunAsync(CancellationToken.None);

        Assert.True(seen.Count >= 6, $"{seen.Count} seconds sampled");
        Assert.All(seen, r => Assert.Equal(1, r.Seconds)); // what streams to disk and the console: a row a second
        Assert.InRange(outcome.Rows.Count, 1, 3); // two joined rows and at most one pending
        Assert.Equal(seen.Count, outcome.Rows.Sum(r => r.Seconds));
        Assert.Equal(seen[0].Second, outcome.Rows[0].Second);
        Assert.Equal(seen.Sum(r => r.ConnectsOk), outcome.Rows.Sum(r => r.ConnectsOk));
        Assert.Equal(seen[^1].Connected, outcome.Rows[^1].Connected);
        Assert.Equal(seen.Max(r => r.Health.CpuPercent), outcome.Rows.Max(r => r.Health.CpuPercent));
    }
}
