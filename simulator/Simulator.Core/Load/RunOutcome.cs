using Simulator.Core.Health;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load;

/// <summary>What a run produced: its per-second rows, the fleet's final census and the generator's health.</summary>
internal sealed record RunOutcome(DateTimeOffset StartedAt, double DurationSeconds, IReadOnlyList<SecondRow> Rows, bool Cancelled, int PlannedDevices, long PeakConnected)
{
    /// <summary>Devices in service (connected; on a duty cycle also asleep or waking) at the end of the last hold (the last second when there is no hold).</summary>
    public long ConnectedAtLastHold { get; init; }

    /// <summary>The census after every device was stopped.</summary>
    public FleetCensus? FinalCensus { get; init; }

    /// <summary>Devices still running 15 s after they were asked to stop.</summary>
    public int DevicesNotStopped { get; init; }

    /// <summary>Seconds in which a census check failed.</summary>
    public int AccountingBrokenSeconds { get; init; }

    /// <summary>A problem known beside the final census: the first broken second's, a missing or broken shard's, a run that died.</summary>
    public string? ReportedProblem { get; init; }

    /// <summary>The crashed devices' classes, in words, for the problem sentence.</summary>
    public string? CrashClasses { get; init; }

    /// <summary>The first thing that broke the accounting, or null (<see cref="AccountingVerdict"/>).</summary>
    public string? AccountingProblem => AccountingVerdict.Problem(this);

    public long ArrivalsPlanned { get; init; }

    public long ArrivalsStarted { get; init; }

    public HealthTotals Health { get; init; } = new();

    public int GeneratorSaturatedSeconds { get; init; }

    /// <summary>Arrivals that had to wait for a free identity.</summary>
    public long IdentityWaits { get; init; }

    /// <summary>Arrivals the arrival thread reached late (see <see cref="ArrivalScheduler.LateAfterMs"/>), and the worst lateness.</summary>
    public long ArrivalsLate { get; init; }

    public double ArrivalLatenessMaxMs { get; init; }

    /// <summary>The plan's outages and their storms, in order.</summary>
    public IReadOnlyList<OutageResult> Outages { get; init; } = [];

    /// <summary>Holds when every check passed in every second and at the end.</summary>
    public bool AccountingHolds => AccountingProblem is null;
}
