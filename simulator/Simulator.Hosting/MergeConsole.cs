using Simulator.Core.Histograms;
using Simulator.Core.Metrics;
using Simulator.Core.Results;

namespace Simulator.Hosting;

/// <summary>A merged run on the console: the whole, each shard, the accounting, the thresholds and the verdict (merge, and run --workers).</summary>
internal static class MergeConsole
{
    public static void Write(TextWriter stdout, RunReport report, string dir)
    {
        var connect = report.Totals[Phase.Connect];
        stdout.WriteLine($"merged {report.Shards!.Count} shard(s) of '{report.Profile.Name}': {report.Totals.Successes} connected, {report.Totals.Failed} failed, connect p50 {RunReport.Ms(connect, 50):F1} ms p99 {RunReport.Ms(connect, 99):F1} ms");
        foreach (var s in report.Shards)
        {
            stdout.WriteLine($"  shard {s.Shard}: {s.Verdict}, {s.Successes} connected, {s.Failed} failed, accounting {(s.AccountingHolds ? "holds" : "BROKE")}, generator {(s.GeneratorSaturated ? $"SATURATED {s.GeneratorSaturatedSeconds} s" : "healthy")}");
        }

        if (report.Outcome.AccountingProblem is { } problem)
        {
            stdout.WriteLine($"ACCOUNTING BROKE: {problem}");
        }

        if (report.GeneratorWarning is { } warning)
        {
            stdout.WriteLine($"warning: shard(s) {string.Join(", ", report.Shards.Where(s => s.GeneratorSaturated).Select(s => s.Shard))}: {warning}");
        }

        foreach (var t in report.Thresholds)
        {
            stdout.WriteLine($"  {(t.Passed ? "ok  " : "FAIL")} {t.Name}: {t.Actual:0.###} (limit {t.Limit:0.###})");
        }

        stdout.WriteLine($"{ResultsWriter.VerdictWord(report)}: merged results in {dir}");
    }
}
