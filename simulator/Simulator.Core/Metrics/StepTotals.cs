using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>One named scenario step's totals: how many ran to the end and how many failed (by class), and the latency of both.</summary>
internal sealed record StepTotals
{
    public required long Ok { get; init; }

    public required long Failed { get; init; }

    public required IReadOnlyDictionary<string, long> Failures { get; init; }

    /// <summary>Every run of the step, ok or failed, in µs: a failure's time is a latency too (a timeout shows as one).</summary>
    public required LatencyHistogram Latency { get; init; }

    /// <summary>Several parts' totals of one step (shards) as one.</summary>
    public static StepTotals Combine(IEnumerable<StepTotals> parts)
    {
        var latency = new LatencyHistogram();
        var failures = new Dictionary<string, long>(StringComparer.Ordinal);
        long ok = 0, failed = 0;
        foreach (var p in parts)
        {
            ok += p.Ok;
            failed += p.Failed;
            latency.Merge(p.Latency);
            foreach (var (k, v) in p.Failures)
            {
                failures[k] = failures.GetValueOrDefault(k) + v;
            }
        }

        return new StepTotals { Ok = ok, Failed = failed, Failures = failures, Latency = latency };
    }
}
