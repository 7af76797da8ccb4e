using System.CommandLine;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator merge RUN_DIR… --out DIR</c>: shards' runs as one run's results, judged again on the merged figures.</summary>
internal static class MergeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var runs = new Argument<string[]>("runs") { Description = "The shards' run folders (each holds summary.json and timeseries.csv).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the merged summary.json, timeseries.csv, report.md and report.html.", Required = true };
        var command = new Command("merge", "Merge shards' runs exactly (histograms by bucket, counters summed, seconds aligned) and judge the thresholds on the whole.") { runs, output };
        command.SetAction(parse =>
        {
            var shards = parse.GetValue(runs)!.Select(ShardRun.Read).ToList();
            var report = ShardMerge.Merge(shards);
            var dir = parse.GetValue(output)!;
            try
            {
                ResultsWriter.WriteInto(report, dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new Core.Errors.InputException($"cannot be written: {e.Message}", dir, field: "--out");
            }

            MergeConsole.Write(stdout, report, dir);
            return ExitCodes.For(report.Verdict);
        });
        return command;
    }
}
