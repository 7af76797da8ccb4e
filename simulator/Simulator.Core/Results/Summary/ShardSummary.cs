using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>One shard as a merged summary lists it: where it ran from and whether it, on its own, can be trusted.</summary>
[Description("One shard of a merged run, with its own machine's health.")]
public sealed record ShardSummary
{
    [Description("\"i/N\" as the shard ran.")]
    public required string Shard { get; init; }

    [Description("The folder it was merged from.")]
    public required string Directory { get; init; }

    public required string Verdict { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StartSkewMs { get; init; }

    public required long Devices { get; init; }

    public required long Successes { get; init; }

    public required long Failed { get; init; }

    public required bool AccountingHolds { get; init; }

    public required bool GeneratorSaturated { get; init; }

    public required long GeneratorSaturatedSeconds { get; init; }

    public required double CpuPercentMax { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? GeneratorWarning { get; init; }
}
