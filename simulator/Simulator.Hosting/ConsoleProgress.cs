using System.Globalization;
using System.Text;
using Simulator.Core.Load;
using Simulator.Core.Metrics;

namespace Simulator.Hosting;

/// <summary>
/// What the live console says of where a run stands and where it is heading: a bar over the plan
/// (elapsed against planned, time left), the phase with its own elapsed time and device target,
/// and one-line trends of the connect rate and connect p99 over the last minute.
/// </summary>
internal static class ConsoleProgress
{
    public const int TrendSeconds = 60;

    /// <summary>Characters of a trend: each the mean of its seconds (3 of them).</summary>
    public const int TrendWidth = 20;

    private const string Blocks = "▁▂▃▄▅▆▇█";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>"[███████░░░░░░░] 19/37 s, 18 s left"; full once the plan is over (the stop is not planned).</summary>
    public static string Bar(double elapsed, double planned, int width = 20)
    {
        var share = planned <= 0 ? 1 : Math.Clamp(elapsed / planned, 0, 1);
        var filled = (int)Math.Round(share * width);
        var left = Math.Max(0, planned - elapsed);
        return string.Create(Inv, $"[{new string('█', filled)}{new string('░', width - filled)}] {elapsed:F0}/{planned:F0} s, {(left > 0 ? $"{FormatDuration(left)} left" : "stopping")}");
    }

    /// <summary>"2/3 ramp, 9/20 s, target 500 (→ 1000)": the phase, its own elapsed time, the target now and at its end; "stopping" past the plan.</summary>
    public static string Phase(LoadPlan plan, SecondRow row)
    {
        var t = row.Second;
        var segments = plan.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            if (t < s.Start + s.Duration)
            {
                var inPhase = Math.Max(0, t - s.Start);
                return string.Create(Inv, $"{row.Phase}, {inPhase:F0}/{s.Duration:F0} s, target {row.Target} (→ {s.To:F0})");
            }
        }

        return string.Create(Inv, $"stopping: {row.Connected} still connected");
    }

    /// <summary>The last minute as a sparkline, lowest to highest, each character the mean of its seconds, then the latest value and the highest.</summary>
    public static string Trend(IReadOnlyList<SecondRow> recent, Func<SecondRow, double> value, string unit)
    {
        var values = recent.Select(value).ToList();
        var known = values.Where(v => !double.IsNaN(v)).ToList();
        if (known.Count == 0)
        {
            return "-";
        }

        var per = (int)Math.Ceiling(TrendSeconds / (double)TrendWidth);
        var means = values.Chunk(per).Select(c => c.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average()).ToList();
        return string.Create(Inv, $"{Sparkline(means)} now {known[^1]:0.#}{unit}, max {known.Max():0.#}{unit}");
    }

    /// <summary>One block per value, scaled from the lowest to the highest; a value that is not a number is a space.</summary>
    public static string Sparkline(IReadOnlyList<double> values)
    {
        var known = values.Where(v => !double.IsNaN(v)).ToList();
        if (known.Count == 0)
        {
            return new string(' ', values.Count);
        }

        var (low, high) = (known.Min(), known.Max());
        var sb = new StringBuilder(values.Count);
        foreach (var v in values)
        {
            sb.Append(double.IsNaN(v) ? ' ' : Blocks[high <= low ? 0 : (int)Math.Round((v - low) / (high - low) * (Blocks.Length - 1))]);
        }

        return sb.ToString();
    }

    private static string FormatDuration(double seconds) =>
        seconds >= 3600 ? string.Create(Inv, $"{(int)(seconds / 3600)} h {(int)(seconds % 3600 / 60):D2} min")
        : seconds >= 60 ? string.Create(Inv, $"{(int)(seconds / 60)} min {(int)(seconds % 60):D2} s")
        : string.Create(Inv, $"{seconds:F0} s");
}
