namespace Simulator.Core.Results;

/// <summary>One shard as a merged report lists it: where it ran from and whether it, on its own, can be trusted.</summary>
public sealed record ShardInfo(
    string Directory,
    string Shard,
    string Verdict,
    DateTimeOffset StartedAt,
    long Devices,
    long Successes,
    long Failed,
    bool AccountingHolds,
    bool GeneratorSaturated,
    long GeneratorSaturatedSeconds,
    double CpuPercentMax,
    string? GeneratorWarning)
{
    /// <summary>How late this shard's plan started after the agreed instant (--start-at); null when none was set.</summary>
    public double? StartSkewMs { get; init; }
}
