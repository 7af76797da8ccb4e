namespace Simulator.Core.Metrics;

/// <summary>One named step in one second: runs that ended ok and failed, and the second's p99.</summary>
/// <param name="Ok">Runs of the step that ended ok in the second.</param>
/// <param name="Failed">Runs that failed in the second.</param>
/// <param name="P99Ms">The second's p99 latency; NaN when unknown: read back from timeseries.csv, which keeps the counts only (they merge exactly across shards), or several seconds or shards joined.</param>
internal sealed record StepSecond(long Ok, long Failed, double P99Ms)
{
    /// <summary>Several rows' steps as one: counts added; a p99 kept only where one row had the step.</summary>
    public static Dictionary<string, StepSecond> Sum(IEnumerable<IReadOnlyDictionary<string, StepSecond>> rows)
    {
        var sum = new Dictionary<string, StepSecond>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            foreach (var (name, s) in row)
            {
                sum[name] = sum.TryGetValue(name, out var had) ? new StepSecond(had.Ok + s.Ok, had.Failed + s.Failed, double.NaN) : s;
            }
        }

        return sum;
    }
}
