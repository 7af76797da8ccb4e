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
        sb.Append(Inv, $"# Run report: {r.Profile.Name}\n\n");
        sb.Append(Inv, $"{r.Profile.Description}\n\n");
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
            sb.Append(Inv, $"## {section.Title}\n\n");
            if (section.Note is { } note)
            {
                sb.Append(note).Append("\n\n");
            }

            sb.Append("| ").Append(string.Join(" | ", section.Header)).Append(" |\n|");
            foreach (var _ in section.Header)
            {
                sb.Append("---|");
            }

            sb.Append('\n');
            foreach (var row in section.Rows)
            {
                sb.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }
}
