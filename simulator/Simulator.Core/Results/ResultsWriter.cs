using Simulator.Core.Load.Profiles;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>
/// Writes results/&lt;timestamp&gt;-&lt;profile&gt;/: summary.json (<see cref="RunSummary"/>), timeseries.csv (a row per
/// second), report.md and report.html (self-contained, the pinned chart library inlined).
/// </summary>
internal static class ResultsWriter
{
    /// <summary>Writes the four files into exactly <paramref name="dir"/> (simulator merge --out), never over an earlier run's.</summary>
    /// <param name="rowsOnDisk">The folder's timeseries.csv already holds every second, one a row (streamed as each closed), so it is left as it is.</param>
    public static void WriteInto(RunReport report, string dir, bool rowsOnDisk = false)
    {
        Directory.CreateDirectory(dir);
        if (File.Exists(Path.Combine(dir, "summary.json")))
        {
            throw new Errors.InputException("already holds a summary.json; name an empty or new folder", dir);
        }

        WriteFiles(report, dir, rowsOnDisk);
    }

    private static void WriteFiles(RunReport report, string dir, bool rowsOnDisk)
    {
        // The rows first, unless every second is on disk already: replacing the file whole, a kill while writing leaves one or the other, never half.
        // Every figure is taken once, into the summary; the reports show that snapshot, never the live recorder.
        var summary = SummaryBuilder.From(report);
        if (!rowsOnDisk)
        {
            Replace(Path.Combine(dir, "timeseries.csv"), TimeseriesCsv.Write(report.Outcome.Rows));
        }

        Replace(Path.Combine(dir, "summary.json"), Summary.SummaryJson.Write(summary));
        Replace(Path.Combine(dir, "report.md"), MarkdownReport.Write(report, summary));
        Replace(Path.Combine(dir, "report.html"), HtmlReport.Write(report, summary));
        if (report.Totals.FirstStacks.Count > 0)
        {
            // Our own bugs, made reportable: where each unexpected class was first thrown.
            Replace(Path.Combine(dir, "unexpected.txt"), string.Concat(report.Totals.FirstStacks.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"== {kv.Key}\n{kv.Value}\n")));
        }
    }

    /// <summary>Writes beside the file, then renames over it.</summary>
    internal static void Replace(string path, string text)
    {
        var temp = path + ".partial";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    internal static bool TryCreateNew(string dir)
    {
        if (Directory.Exists(dir) || File.Exists(dir))
        {
            return false;
        }

        Directory.CreateDirectory(dir);
        return true;
    }

    public static string VerdictWord(RunReport r) => r.Verdict switch
    {
        RunVerdict.Passed => "PASSED",
        RunVerdict.Cancelled => "CANCELLED",
        RunVerdict.Incomplete => "INCOMPLETE",
        RunVerdict.Unjudged => "NO THRESHOLDS",
        RunVerdict.Aborted => "ABORTED",
        _ => "FAILED",
    };

    internal static string Sanitize(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
}
