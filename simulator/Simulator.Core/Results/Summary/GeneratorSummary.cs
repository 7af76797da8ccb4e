using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>The load generator's own health over the run: a saturated generator measures itself, not the target.</summary>
[Description("The load generator's own health over the run.")]
public sealed record GeneratorSummary
{
    public required bool Saturated { get; init; }

    public required long SaturatedSeconds { get; init; }

    [Description("Plain words for a saturated generator; null when healthy.")]
    public required string? Warning { get; init; }

    [Description("The embedded gateway shared this process, so its work is in these figures.")]
    public bool EmbeddedGatewayInProcess { get; init; }

    [Description("Process CPU, percent of all cores.")]
    public required double CpuPercentP50 { get; init; }

    public required double CpuPercentMax { get; init; }

    [Description("Machine CPU (every process), percent.")]
    public required double MachineCpuPercentP50 { get; init; }

    public required double MachineCpuPercentMax { get; init; }

    [Description("The worst second's scheduler lag p99.")]
    public required double SchedulerLagP99MsMax { get; init; }

    public required long ThreadPoolQueueMax { get; init; }

    public required double GcPauseMsTotal { get; init; }

    public required long OpenFilesMax { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? OpenFileLimit { get; init; }

    public required long WorkingSetMaxBytes { get; init; }

    [Description("How late devices started against their planned arrivals, p99.")]
    public required double ScheduleLagP99Ms { get; init; }
}
