using System.CommandLine;
using Simulator.Core.Metrics;
using Simulator.Core.Results;

namespace Simulator.Cli;

/// <summary><c>simulator merge RUN_DIR… --out DIR</c>: shards' runs as one run's results, judged again on the merged figures.</summary>
public static class MergeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var runs = new Argument<string[]>("runs") { Description = "The shards' run folders (each holds summary.json and timeseries.csv).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the merged summary.json, timeseries.csv, report.md and report.html.", Required = true };
        var command = new Command("merge", "Merge shards' runs exactly (histograms by bucket, counters summed, seconds aligned) and judge the thresholds on the whole.") { runs, output };
        command.SetAction(parse =>
        {
            var shards = parse.GetValue(runs)!.Select(ShardRun.Read).ToList();
            using var metrics = new RunMetrics();
            var report = ShardMerge.Merge(shards, metrics);
            var dir = parse.GetValue(output)!;
            try
            {
                ResultsWriter.WriteInto(report, dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new Core.Errors.InputException($"cannot be written: {e.Message}", dir, field: "--out");
            }

            Write(stdout, report, dir);
            return report.Verdict switch
            {
                RunVerdict.Passed => ExitCodes.Ok,
                RunVerdict.Cancelled => ExitCodes.Cancelled,
                _ => ExitCodes.Failed,
            };
        });
        return command;
    }

    internal static void Write(TextWriter stdout, RunReport report, string dir)
    {
        var connect = report.Metrics[Phase.Connect];
        stdout.WriteLine($"merged {report.Shards!.Count} shard(s) of '{report.Profile.Name}': {report.Metrics.Successes} connected, {report.Metrics.Failed} failed, connect p50 {RunReport.Ms(connect, 50):F1} ms p99 {RunReport.Ms(connect, 99):F1} ms");
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
