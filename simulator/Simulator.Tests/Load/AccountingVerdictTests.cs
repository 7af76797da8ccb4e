using Simulator.Core.Load;

namespace Simulator.Tests.Load;

/// <summary>One judgement of the accounting: each way it can break is named, and a clean run holds.</summary>
public sealed class AccountingVerdictTests
{
    private static readonly FleetCensus Clean = new(0, 0, 0, 0, 0, StatesMatchDevices: true, AttemptsStarted: 10, AttemptsEnded: 10, DevicesStarted: 5, DevicesEnded: 5, DevicesCrashed: 0);

    private static RunOutcome Outcome(FleetCensus? census = null) =>
        new(DateTimeOffset.UnixEpoch, 10, [], Cancelled: false, PlannedDevices: 5, PeakConnected: 5) { FinalCensus = census ?? Clean, ArrivalsPlanned = 5, ArrivalsStarted = 5 };

    [Fact]
    public void A_clean_run_holds()
    {
        Assert.True(Outcome().AccountingHolds);
        Assert.Null(Outcome().AccountingProblem);
    }

    public static TheoryData<string, string> Broken => new()
    {
        { "reported", "shard 1: lost" },
        { "broken-seconds", "3 second(s) in which a census check failed" },
        { "no-census", "no census of the fleet at the end" },
        { "states", "at the end: device states and state counters disagree" },
        { "live", "1 device(s) still live at the end" },
        { "not-stopped", "2 device(s) did not stop" },
        { "crashed", "1 device task(s) crashed: Unexpected:X 1" },
        { "in-flight", "at the end: 1 attempt(s) lost: opened but never ended with an outcome" },
        { "double-counted", "at the end: 1 attempt outcome(s) counted more than once" },
        { "arrivals", "2 of 5 planned arrivals never started" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_way_to_break_is_named(string how, string words)
    {
        var o = how switch
        {
            "reported" => Outcome() with { ReportedProblem = "shard 1: lost" },
            "broken-seconds" => Outcome() with { AccountingBrokenSeconds = 3 },
            "no-census" => Outcome() with { FinalCensus = null },
            "states" => Outcome(Clean with { StatesMatchDevices = false }),
            "live" => Outcome(Clean with { Live = 1, GivenUp = 1, DevicesEnded = 4 }),
            "not-stopped" => Outcome() with { DevicesNotStopped = 2 },
            "crashed" => Outcome(Clean with { DevicesCrashed = 1, DevicesEnded = 4 }) with { CrashClasses = "Unexpected:X 1" },
            "in-flight" => Outcome(Clean with { AttemptsEnded = 9 }),
            "double-counted" => Outcome(Clean with { AttemptsEnded = 11 }),
            "arrivals" => Outcome() with { ArrivalsStarted = 3 },
            _ => throw new ArgumentException(how),
        };

        Assert.False(o.AccountingHolds);
        Assert.Contains(words, o.AccountingProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_run_need_not_start_every_arrival()
    {
        Assert.True((Outcome() with { ArrivalsStarted = 3, Cancelled = true }).AccountingHolds);
    }
}
