using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>One named scenario step over the run: outcomes and latency.</summary>
[Description("One named scenario step: how many ran to the end, how many failed and why, and the latency of every run of it.")]
public sealed record StepSummary
{
    [Description("Runs of the step that ran to the end.")]
    public required long Ok { get; init; }

    [Description("Runs of the step that failed: an exception or a timeout inside it.")]
    public required long Failed { get; init; }

    [Description("Failed runs by class, e.g. \"Timeout\" or \"Unexpected:InvalidOperationException\".")]
    public required IReadOnlyDictionary<string, long> Failures { get; init; }

    [Description("Every run's time, ok or failed.")]
    public required HistogramSummary Latency { get; init; }
}
