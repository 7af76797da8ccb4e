using System.Globalization;
using System.Text;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>report.md: the verdict, its warnings and the report's tables.</summary>
internal static class MarkdownReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(RunReport r, RunSummary s)
    {
        var o = r.Outcome;
        var sb = new StringBuilder();
        sb.Append(Inv, $"# Run report: {Text(r.Profile.Name)}\n\n");
        sb.Append(Inv, $"{Text(r.Profile.Description)}\n\n");
        sb.Append(Inv, $"**{ResultsWriter.VerdictWord(r)}**{(r.Incomplete is { } why ? $" ({why}: no verdict on the target)" : r.Aborted is { } aborted ? $" (the plan was not run: {aborted})" : o.Cancelled ? " (stopped before the plan ended: no verdict on the target)" : !r.AnyConnected ? " (no attempt connected: the target was not reached)" : r.Verdict == RunVerdict.Unjudged ? " (the profile's thresholds section is empty: nothing was judged)" : string.Empty)}\n\n");
        if (r.GeneratorWarning is { } warning)
        {
            sb.Append(Inv, $"> **Warning:** {warning}\n\n");
        }

        if (!r.AccountingHolds)
        {
            sb.Append(Inv, $"> **Accounting broke:** {o.AccountingProblem ?? "see the accounting table"}. The figures below may not cover every device.\n\n");
        }

        foreach (var section in ReportTables.Build(r, s))
        {
            sb.Append(Inv, $"## {Text(section.Title)}\n\n");
            if (section.Note is { } note)
            {
                sb.Append(Text(note)).Append("\n\n");
            }

            sb.Append("| ").Append(string.Join(" | ", section.Header.Select(Cell))).Append(" |\n|");
            foreach (var _ in section.Header)
            {
                sb.Append("---|");
            }

            sb.Append('\n');
            foreach (var row in section.Rows)
            {
                sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>
    /// Text from a profile or a target (a name, a description, a reason the server gave) as
    /// Markdown text, never as HTML: Markdown passes raw HTML through to whoever renders it.
    /// </summary>
    private static string Text(string? s) => s is null ? string.Empty : s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A table cell: <see cref="Text"/>, on one line, its pipes escaped.</summary>
    private static string Cell(string? s) => Text(s).Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
