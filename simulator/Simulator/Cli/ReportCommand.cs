using System.CommandLine;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator report RUN_DIR</c>: a run that died before its end, judged INCOMPLETE from the rows it left.</summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var run = new Argument<string>("run") { Description = "The run's folder (run.json and the timeseries.csv it streamed, without a summary.json)." };
        var command = new Command("report", "Rebuild summary.json, report.md and report.html of a run that died before its end from the seconds it wrote; the verdict is INCOMPLETE.") { run };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(run)!;
            var report = IncompleteRun.Read(dir);
            try
            {
                ResultsWriter.WriteInto(report, dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new Core.Errors.InputException($"cannot be written: {e.Message}", dir);
            }

            var connect = report.Totals[Phase.Connect];
            stdout.WriteLine($"'{report.Profile.Name}': {report.Outcome.Rows.Count} second(s) recorded, {report.Totals.Successes} connected, {report.Totals.Failed} failed, connect p50 {RunReport.Ms(connect, 50):F1} ms p99 {RunReport.Ms(connect, 99):F1} ms");
            stdout.WriteLine($"{ResultsWriter.VerdictWord(report)}: {report.Incomplete}; report in {dir}");
            return ExitCodes.Failed;
        });
        return command;
    }
}
