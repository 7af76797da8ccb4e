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
        double?[] Series(Func<SecondRow, double> f) => [.. rows.Select(x => f(x) is var v && double.IsNaN(v) ? (double?)null : Math.Round(v, 3))];

        // A row of a coarsened history covers more than a second: its counts are shown per second.
        double?[] Rate(Func<SecondRow, double> f) => Series(x => f(x) / x.Seconds);
        var span = rows.Count == 0 ? 1 : rows.Max(x => x.Seconds);
        var data = Summary.SummaryJson.WriteChartSeries(new Dictionary<string, double?[]>
        {
            ["t"] = Series(x => x.Second),
            ["target"] = Series(x => x.Target),
            ["devices"] = Series(x => x.Devices),
            ["connected"] = Series(x => x.Connected),
            ["connecting"] = Series(x => x.Connecting),
            ["backingOff"] = Series(x => x.BackingOff),
            ["givenUp"] = Series(x => x.GivenUp),
            ["p50"] = Series(x => x.ConnectP50Ms),
            ["p99"] = Series(x => x.ConnectP99Ms),
            ["connects"] = Rate(x => x.ConnectsOk),
            ["publishes"] = Rate(x => x.Publishes),
            ["pubAcks"] = Rate(x => x.PubAcks),
            ["received"] = Rate(x => x.Received),
            ["failed"] = Rate(x => x.ConnectsFailed),
            ["drops"] = Rate(x => x.Drops),
            ["cpu"] = Series(x => x.Health.CpuPercent),
            ["machine"] = Series(x => x.Health.MachineCpuPercent ?? double.NaN),
            ["lag"] = Series(x => x.Health.SchedulerLagP99Ms),
            ["queue"] = Series(x => x.Health.ThreadPoolQueue),
            ["gc"] = Series(x => x.Health.GcPauseMs),
            ["authConnects"] = Rate(x => x.Authorizer is { } a ? a.Invocations - a.Refreshes : double.NaN),
            ["authRefreshes"] = Rate(x => x.Authorizer?.Refreshes ?? double.NaN),
            ["authThrottles"] = Rate(x => x.Authorizer?.Throttles ?? double.NaN),
            ["authCold"] = Rate(x => x.Authorizer?.ColdStarts ?? double.NaN),
            ["authInFlight"] = Series(x => x.Authorizer?.InFlight ?? double.NaN),
        });
        var authorizerChart = rows.Any(x => x.Authorizer is not null)
            ? "<div><h2>Target authorizer (embedded gateway, per second)</h2><canvas id=\"authorizer\"></canvas></div>"
            : string.Empty;
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
            <div class="grid">
            <div><h2>Connections</h2><canvas id="connections"></canvas></div>
            <div><h2>Connect latency (ms)</h2><canvas id="latency"></canvas></div>
            <div><h2>Throughput (per second)</h2><canvas id="throughput"></canvas></div>
            <div><h2>Errors (per second)</h2><canvas id="errors"></canvas></div>
            <div><h2>Load generator: CPU (% of cores) and scheduler lag p99 (ms)</h2><canvas id="generator"></canvas></div>
            <div><h2>Load generator: thread-pool queue and GC pause (ms)</h2><canvas id="runtime"></canvas></div>
            {{authorizerChart}}
            </div>
            {{tables}}
            <script>{{(chartJs ?? "/* the chart library was not available when this simulator was built (npm missing) */")}}</script>
            <script>
            const d = {{data}};
            window.chartsRendered = 0;
            function line(id, sets) {
              if (typeof Chart === 'undefined') { document.getElementById(id).replaceWith(Object.assign(document.createElement('p'), {textContent: 'Charts unavailable: the chart library was not embedded; see timeseries.csv.'})); return; }
              new Chart(document.getElementById(id), { type: 'line', data: { labels: d.t, datasets: sets.map(([label, key, color]) => ({ label, data: d[key], borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5 })) },
                options: { animation: false, responsive: true, interaction: { mode: 'index', intersect: false }, scales: { x: { title: { display: true, text: 'second' } } } } });
              window.chartsRendered++;
            }
            line('connections', [['target', 'target', '#999'], ['connected', 'connected', '#2a9d8f'], ['connecting', 'connecting', '#e9c46a'], ['backing off', 'backingOff', '#f4a261'], ['given up', 'givenUp', '#e63946']]);
            line('latency', [['p50', 'p50', '#264653'], ['p99', 'p99', '#e76f51']]);
            line('throughput', [['connects', 'connects', '#2a9d8f'], ['publishes', 'publishes', '#264653'], ['PUBACKs', 'pubAcks', '#8ab17d'], ['own messages received', 'received', '#e9c46a']]);
            line('errors', [['failed attempts', 'failed', '#e63946'], ['dropped sessions', 'drops', '#f4a261']]);
            line('generator', [['process CPU %', 'cpu', '#264653'], ['machine CPU %', 'machine', '#8ab17d'], ['scheduler lag p99 ms', 'lag', '#e76f51']]);
            line('runtime', [['thread-pool queue', 'queue', '#2a9d8f'], ['GC pause ms', 'gc', '#e9c46a']]);
            if (document.getElementById('authorizer')) line('authorizer', [['connect invocations', 'authConnects', '#264653'], ['policy refreshes', 'authRefreshes', '#2a9d8f'], ['throttles', 'authThrottles', '#e63946'], ['cold starts', 'authCold', '#f4a261'], ['in flight', 'authInFlight', '#999']]);
            document.body.dataset.chartsRendered = String(window.chartsRendered);
            </script>
            </body></html>
            """;
    }
}
