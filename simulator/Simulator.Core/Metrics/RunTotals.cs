using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>A finished run's totals as its summary.json keeps them, for <see cref="RunMetrics.Absorb"/>.</summary>
public sealed record RunTotals
{
    public long Successes { get; init; }

    public long Failed { get; init; }

    public long Interrupted { get; init; }

    public long Publishes { get; init; }

    public long PubAcks { get; init; }

    public long Received { get; init; }

    public IReadOnlyDictionary<string, long> Failures { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> Drops { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> DropsByLastAction { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> Crashes { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, string> FirstMessages { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<Phase, LatencyHistogram> Histograms { get; init; } = new Dictionary<Phase, LatencyHistogram>();
}
