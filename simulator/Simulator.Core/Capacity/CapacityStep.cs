namespace Simulator.Core.Capacity;

/// <summary>One step of a capacity search: a rate offered for a while, and what came of it.</summary>
internal sealed record CapacityStep
{
    public int Index { get; init; }

    /// <summary>"climb" while rates rise, "refine" while bisecting between the last good and the first bad.</summary>
    public required string Stage { get; init; }

    public double OfferedPerSecond { get; init; }

    /// <summary>Successful connects per second over the step.</summary>
    public double AchievedPerSecond { get; init; }

    public double Seconds { get; init; }

    public long Attempts { get; init; }

    public long Successes { get; init; }

    /// <summary>Failed attempts by class; attempts still open when the step ended are "StillConnectingAtStepEnd".</summary>
    public IReadOnlyDictionary<string, long> Failures { get; init; } = new Dictionary<string, long>();

    public double ErrorRate { get; init; }

    public double ConnectP50Ms { get; init; }

    public double ConnectP99Ms { get; init; }

    /// <summary>The generator's own state: saturated seconds, peak process and machine CPU, scheduler lag p99.</summary>
    public int GeneratorSaturatedSeconds { get; init; }

    public double GeneratorCpuPeakPercent { get; init; }

    public double? MachineCpuPeakPercent { get; init; }

    public double SchedulerLagP99Ms { get; init; }

    /// <summary>Seconds in which the generator was hot (CPU, machine CPU or scheduler lag over its limits), however short the stretch.</summary>
    public int HotSeconds { get; init; }

    /// <summary>The longest GC pause in any one second of the step, in milliseconds.</summary>
    public double GcPauseMaxMs { get; init; }

    /// <summary>Arrivals the arrival thread reached more than 20 ms late, and the worst lateness: a burst the plan never offered.</summary>
    public long ArrivalsLate { get; init; }

    public double ArrivalLatenessMaxMs { get; init; }

    /// <summary>Arrivals that found no identity ready (the fleet was too small for the rate and the latency).</summary>
    public long IdentityWaits { get; init; }

    /// <summary>What the embedded gateway saw (authorizer invocations, throttles, cold starts, denies by reason); null against a real target.</summary>
    public IReadOnlyDictionary<string, long>? Target { get; init; }

    /// <summary>The limits the step broke; empty when it was good.</summary>
    public IReadOnlyList<string> Broken { get; init; } = [];

    public bool Good => Broken.Count == 0;

    /// <summary>The generator, not the target, set this step's outcome.</summary>
    public bool GeneratorBound => GeneratorSaturatedSeconds > 0 || IdentityWaits > 0;

    /// <summary>
    /// This machine did not offer the step as planned: a hot second, a GC pause over 50 ms, or
    /// more than 1 % of arrivals started late (a stall releases them in a burst, and a target
    /// with a concurrency limit throttles a burst it would carry when spread out). A bad
    /// disturbed step says nothing certain about the target, so the search offers it again.
    /// </summary>
    public bool Disturbed => HotSeconds > 0 || GcPauseMaxMs > 50 || ArrivalsLate * 100 > Math.Max(Attempts, 100);

    /// <summary>Set on a step the search offered again because it was bad and disturbed.</summary>
    public bool Repeated { get; init; }
}
