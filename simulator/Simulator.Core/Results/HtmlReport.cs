using System.Globalization;
using System.Text;
using Simulator.Core.Metrics;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>report.html: self-contained, the pinned chart library inlined, the per-second rows as chart series and the report's tables.</summary>
internal static class HtmlReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(RunReport r, RunSummary s)
    {
        var chartJs = ChartLibrary.Script();
        var rows = r.Outcome.Rows;
        var span = rows.Count == 0 ? 1 : rows.Max(x => x.Seconds);
        var data = ReportCharts.Json(rows);
        var storms = (s.Outages ?? []).Select(o => (o.AtSecond, o.StormEndSecond ?? (rows.Count == 0 ? o.AtSecond : rows[^1].Second))).ToList();
        var canvases = ReportCharts.Canvases(rows.Any(x => x.Authorizer is not null), storms);
        static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
        var tables = new StringBuilder();
        foreach (var section in ReportTables.Build(r, s))
        {
            tables.Append(Inv, $"<h2>{E(section.Title)}</h2>");
            if (section.Note is { } note)
            {
                tables.Append(Inv, $"<p class=\"note\">{E(note)}</p>");
            }

            tables.Append("<table><thead><tr>");
            foreach (var head in section.Header)
            {
                tables.Append(Inv, $"<th>{E(head)}</th>");
            }

            tables.Append("</tr></thead><tbody>");
            foreach (var row in section.Rows)
            {
                tables.Append("<tr>");
                foreach (var cell in row)
                {
                    var bold = cell.StartsWith("**", StringComparison.Ordinal);
                    var text = E(cell.Replace("**", string.Empty, StringComparison.Ordinal).Replace("\\|", "|", StringComparison.Ordinal));
                    tables.Append(Inv, $"<td{(bold ? " class=\"bad\"" : string.Empty)}>{text}</td>");
                }

                tables.Append("</tr>");
            }

            tables.Append("</tbody></table>");
        }

        var verdict = ResultsWriter.VerdictWord(r);
        var banner = new StringBuilder();
        if (r.Incomplete is { } incomplete)
        {
            banner.Append(Inv, $"<p class=\"warn\" id=\"incomplete\"><strong>Incomplete:</strong> {E(incomplete)}. These figures cover the seconds it recorded; there is no verdict on the target.</p>");
        }

        if (r.Aborted is { } aborted)
        {
            banner.Append(Inv, $"<p class=\"warn\" id=\"aborted\"><strong>Aborted:</strong> the plan was not run: {E(aborted)}.</p>");
        }

        if (r.GeneratorWarning is { } warning)
        {
            banner.Append(Inv, $"<p class=\"warn\" id=\"generator-warning\"><strong>Warning:</strong> {E(warning)}</p>");
        }

        if (!r.AccountingHolds)
        {
            banner.Append(Inv, $"<p class=\"warn\"><strong>Accounting broke:</strong> {E(r.Outcome.AccountingProblem ?? "see the accounting table")}</p>");
        }

        if (span > 1)
        {
            banner.Append(Inv, $"<p class=\"note\" id=\"coarse\">Each point of the charts covers up to {span} s: the run outlasted the {SecondHistory.DefaultCapacity} points kept whole. Counts are per-second averages over the point, connect percentiles are the point's own (its histograms merged), states are its last second's and health its worst. timeseries.csv has every second.</p>");
        }

        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Run report: {{E(r.Profile.Name)}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}canvas{max-height:300px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
            table{border-collapse:collapse;margin-bottom:1rem}th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}th{background:#f3f3f3}td.bad{color:#b00020;font-weight:bold}
            .warn{background:#fff3cd;border:1px solid #e0c060;padding:.6rem}.note{color:#555}.verdict-PASSED{color:#2a7d2a}.verdict-FAILED,.verdict-CANCELLED,.verdict-INCOMPLETE,.verdict-ABORTED{color:#b00020}.verdict-NO{color:#8a6d00}</style>
            </head><body>
            <h1>Run report: {{E(r.Profile.Name)}} — <span class="verdict-{{verdict}}" id="verdict">{{verdict}}</span></h1>
            {{banner}}
            {{canvases}}
            {{tables}}
            <script>{{(chartJs ?? "/* the chart library was not available when this simulator was built (npm missing) */")}}</script>
            <script>
            {{ReportCharts.Script}}
            const d = {{data}};
            drawCharts(d);
            </script>
            </body></html>
            """;
    }
}
