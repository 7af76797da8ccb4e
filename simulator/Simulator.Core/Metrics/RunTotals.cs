using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>
/// A run's totals at one instant, immutable: what reports, summaries and the console are built from
/// (<see cref="RunMetrics.Snapshot"/>), what a summary.json gives back, and what a merge combines.
/// </summary>
internal sealed record RunTotals
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

    /// <summary>Named scenario steps by name; empty when the scenario names none.</summary>
    public IReadOnlyDictionary<string, StepTotals> Steps { get; init; } = new Dictionary<string, StepTotals>();

    /// <summary>The backend consumers' figures; null without consumers.</summary>
    public ConsumerTotals? Consumers { get; init; }

    /// <summary>The cloud-to-device commands' figures; null without commands.</summary>
    public CommandTotals? Commands { get; init; }

    /// <summary>Where each unexpected class was first thrown (results' unexpected.txt); empty for totals read back.</summary>
    public IReadOnlyDictionary<string, string> FirstStacks { get; init; } = new Dictionary<string, string>();

    /// <summary>Attempts that ended with an outcome: connected or failed.</summary>
    public long Attempts => Successes + Failed;

    /// <summary>A phase's histogram; an empty one where nothing was recorded.</summary>
    public LatencyHistogram this[Phase phase] => Histograms.TryGetValue(phase, out var h) ? h : Empty;

    private static readonly LatencyHistogram Empty = new();

    /// <summary>Several runs' totals as one (shards): counters and classes summed, histograms merged bucket by bucket, first messages the first seen.</summary>
    public static RunTotals Combine(IEnumerable<RunTotals> parts)
    {
        var list = parts.ToList();
        var histograms = new Dictionary<Phase, LatencyHistogram>();
        foreach (var (phase, h) in list.SelectMany(t => t.Histograms))
        {
            if (!histograms.TryGetValue(phase, out var into))
            {
                histograms[phase] = into = new LatencyHistogram();
            }

            into.Merge(h);
        }

        return new RunTotals
        {
            Successes = list.Sum(t => t.Successes),
            Failed = list.Sum(t => t.Failed),
            Interrupted = list.Sum(t => t.Interrupted),
            Publishes = list.Sum(t => t.Publishes),
            PubAcks = list.Sum(t => t.PubAcks),
            Received = list.Sum(t => t.Received),
            Failures = Sum(list.Select(t => t.Failures)),
            Drops = Sum(list.Select(t => t.Drops)),
            DropsByLastAction = Sum(list.Select(t => t.DropsByLastAction)),
            Crashes = Sum(list.Select(t => t.Crashes)),
            FirstMessages = First(list.Select(t => t.FirstMessages)),
            FirstStacks = First(list.Select(t => t.FirstStacks)),
            Histograms = histograms,
            Steps = list.SelectMany(t => t.Steps).GroupBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => StepTotals.Combine(g.Select(kv => kv.Value)), StringComparer.Ordinal),
            Consumers = ConsumerTotals.Combine(list.Select(t => t.Consumers)),
            Commands = CommandTotals.Combine(list.Select(t => t.Commands)),
        };

        static Dictionary<string, long> Sum(IEnumerable<IReadOnlyDictionary<string, long>> all)
        {
            var into = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (k, v) in all.SelectMany(d => d))
            {
                into[k] = into.GetValueOrDefault(k) + v;
            }

            return into;
        }

        static Dictionary<string, string> First(IEnumerable<IReadOnlyDictionary<string, string>> all)
        {
            var into = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in all.SelectMany(d => d))
            {
                into.TryAdd(k, v);
            }

            return into;
        }
    }
}
