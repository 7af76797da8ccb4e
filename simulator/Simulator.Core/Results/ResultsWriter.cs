using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simulator.Core.Histograms;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>
/// Writes results/&lt;timestamp&gt;-&lt;profile&gt;/: summary.json (<see cref="RunSummary"/>), timeseries.csv (a row per
/// second), report.md and report.html (self-contained, the pinned chart library inlined).
/// </summary>
public static partial class ResultsWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the four files into exactly <paramref name="dir"/> (simulator merge --out), never over an earlier run's.</summary>
    public static void WriteInto(RunReport report, string dir)
    {
        Directory.CreateDirectory(dir);
        if (File.Exists(Path.Combine(dir, "summary.json")))
        {
            throw new Errors.InputException("already holds a summary.json; name an empty or new folder", dir);
        }

        WriteFiles(report, dir);
    }

    private static void WriteFiles(RunReport report, string dir)
    {
        // The rows first, replacing the streamed file whole: a kill while writing leaves one or the other, never half.
        // Every figure is taken once, into the summary; the reports show that snapshot, never the live recorder.
        var summary = SummaryBuilder.From(report);
        Replace(Path.Combine(dir, "timeseries.csv"), TimeseriesCsv(report));
        Replace(Path.Combine(dir, "summary.json"), Summary.SummaryJson.Write(summary));
        Replace(Path.Combine(dir, "report.md"), Markdown(report, summary));
        Replace(Path.Combine(dir, "report.html"), Html(report, summary));
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

    public static bool ChartLibraryAvailable => typeof(ResultsWriter).Assembly.GetManifestResourceInfo("chart.umd.js") is not null;

    public static string VerdictWord(RunReport r) => r.Verdict switch
    {
        RunVerdict.Passed => "PASSED",
        RunVerdict.Cancelled => "CANCELLED",
        RunVerdict.Incomplete => "INCOMPLETE",
        RunVerdict.Unjudged => "NO THRESHOLDS",
        RunVerdict.Aborted => "ABORTED",
        _ => "FAILED",
    };

    /// <summary>
    /// The profile's own text as run, minus what derives keys: the fleet seed becomes a fingerprint
    /// (enough to tell two runs' fleets apart, useless to rebuild their keys). What the run settled
    /// beyond the text is written in: the shard, this shard's source addresses, the start instant.
    /// </summary>
    public static System.Text.Json.Nodes.JsonObject ProfileWithoutSecrets(RunOptions profile)
    {
        var node = profile.Document.DeepClone().AsObject();
        if (node["fleet"] is not System.Text.Json.Nodes.JsonObject fleet)
        {
            node["fleet"] = fleet = [];
        }

        fleet.Remove("seed");
        fleet["seedFingerprint"] = profile.Fleet.Seed is { } seed ? seed.Fingerprint : profile.Fleet.SeedFingerprint;
        if (profile.Fleet.Shard is { } shard)
        {
            fleet["shard"] = shard.ToString();
        }

        if (profile.Transport.SourceAddresses.Count > 0 && node["transport"] is System.Text.Json.Nodes.JsonObject transport)
        {
            transport["sourceAddresses"] = new System.Text.Json.Nodes.JsonArray([.. profile.Transport.SourceAddresses.Select(a => (System.Text.Json.Nodes.JsonNode?)a.ToString())]);
        }

        if (profile.StartAt is { } at)
        {
            node["startAt"] = at.ToString("O", Inv);
        }

        // The embedded gateway's settings carry keys (nrfCloudApiKey) and URLs that may carry credentials (an authorizer's calloutUrl).
        if (node["gateway"] is { } gateway)
        {
            RedactSettings(gateway);
        }

        return node;
    }

    /// <summary>Blanks every key-, secret-, password- or token-named value, and cuts userinfo, query and fragment off every URL.</summary>
    private static void RedactSettings(System.Text.Json.Nodes.JsonNode node)
    {
        if (node is System.Text.Json.Nodes.JsonObject o)
        {
            foreach (var (name, value) in o.ToList())
            {
                if (value is System.Text.Json.Nodes.JsonValue v)
                {
                    if (SecretName().IsMatch(name))
                    {
                        o[name] = Errors.Secrets.Mark;
                    }
                    else if (RedactedUrl(v) is { } url)
                    {
                        o[name] = url;
                    }
                }
                else if (value is not null)
                {
                    RedactSettings(value);
                }
            }
        }
        else if (node is System.Text.Json.Nodes.JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] is System.Text.Json.Nodes.JsonValue v && RedactedUrl(v) is { } url)
                {
                    a[i] = url;
                }
                else if (a[i] is { } child)
                {
                    RedactSettings(child);
                }
            }
        }
    }

    private static string? RedactedUrl(System.Text.Json.Nodes.JsonValue v) =>
        v.TryGetValue<string>(out var text) && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}{(uri.UserInfo.Length > 0 || uri.Query.Length > 0 ? " (credentials " + Errors.Secrets.Mark + ")" : string.Empty)}"
            : null;

    [System.Text.RegularExpressions.GeneratedRegex("(key|secret|password|token|credential)s?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SecretName();

    public static string TimeseriesCsv(RunReport r) => Results.TimeseriesCsv.Write(r.Outcome.Rows);

    public static string Markdown(RunReport r, RunSummary s)
    {
        var o = r.Outcome;
        var sb = new StringBuilder();
        sb.Append(Inv, $"# Run report: {r.Profile.Name}\n\n");
        sb.Append(Inv, $"{r.Profile.Description}\n\n");
        sb.Append(Inv, $"**{VerdictWord(r)}**{(r.Incomplete is { } why ? $" ({why}: no verdict on the target)" : r.Aborted is { } aborted ? $" (the plan was not run: {aborted})" : o.Cancelled ? " (stopped before the plan ended: no verdict on the target)" : !r.AnyConnected ? " (no attempt connected: the target was not reached)" : r.Verdict == RunVerdict.Unjudged ? " (the profile's thresholds section is empty: nothing was judged)" : string.Empty)}\n\n");
        if (r.GeneratorWarning is { } warning)
        {
            sb.Append(Inv, $"> **Warning:** {warning}\n\n");
        }

        if (!r.AccountingHolds)
        {
            sb.Append(Inv, $"> **Accounting broke:** {o.AccountingProblem ?? "see the accounting table"}. The figures below may not cover every device.\n\n");
        }

        foreach (var section in Sections(r, s))
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

    /// <summary>The report's tables, shared by report.md and report.html.</summary>
    private static List<ReportSection> Sections(RunReport r, RunSummary s)
    {
        var g = s.Generator;
        var sections = new List<ReportSection>
        {
            new("Run", ["item", "value"],
            [
                ["started", s.StartedAt.ToString("u", Inv)],
                ["duration", $"{s.DurationSeconds:F1} s"],
                ["commit", s.GitCommit],
                ["machine", $"{s.Machine.Cores} cores, {s.Machine.Os}, .NET {s.Machine.Dotnet}"],
                ["target", $"{Name(r.Profile.Target.Kind)}{(r.EmbeddedGateway ? " (in this process)" : string.Empty)}"],
                ["transport / tokens", $"{Name(r.Profile.Transport.Kind)} (TLS: {s.Tls}) / {Name(r.Profile.Token.Source)}, QoS {r.Profile.Device.Qos}"],
                ["arrivals", Name(r.Profile.Arrivals)],
            ]),
            new("Devices and attempts", ["item", "value"],
            [
                ["fleet / planned peak", $"{s.Devices.Fleet} / {s.Devices.Planned}"],
                ["peak connected / at end of last hold", $"{s.Devices.PeakConnected} / {s.Devices.ConnectedAtLastHold}"],
                ["attempts: connected / failed / interrupted by stop", $"{s.Successes} / {s.Failed} / {s.Interrupted}"],
                ["error rate", s.ErrorRate.ToString("P3", Inv)],
                ["publishes / PUBACKs / own messages back", $"{s.Publishes} / {s.PubAcks} / {s.Received}"],
            ]),
            new("Accounting", ["check", "value"],
            [
                ["every device accounted for, every second and at the end", s.Accounting.Holds ? "yes" : "**NO**"],
                ["seconds a check failed", s.Accounting.BrokenSeconds.ToString(Inv)],
                ["devices started / ended / crashed / not stopped", $"{s.Devices.Started} / {s.Devices.Ended} / {s.Devices.Crashed} / {s.Devices.NotStopped}"],
                ["attempts opened / ended with an outcome", $"{s.AttemptsStarted} / {s.AttemptsStarted - s.Accounting.AttemptsInFlightAtEnd}"],
                ["arrivals planned / started", $"{s.Accounting.ArrivalsPlanned} / {s.Accounting.ArrivalsStarted}"],
                ["problem", s.Accounting.Problem ?? "none"],
            ]),
        };

        if (s.Shards is { } shards)
        {
            sections.Add(new("Shards", ["shard", "verdict", "devices", "connected / failed", "accounting", "generator", "CPU max", "start skew"],
                [.. shards.Select(x => new[]
                {
                    x.Shard, x.Verdict, x.Devices.ToString(Inv), $"{x.Successes} / {x.Failed}", x.AccountingHolds ? "holds" : "**BROKE**",
                    x.GeneratorSaturated ? $"**saturated {x.GeneratorSaturatedSeconds} s**" : "healthy", $"{x.CpuPercentMax:F0} %",
                    x.StartSkewMs is { } skew ? $"{skew:F0} ms" : "-",
                })])
            {
                Note = "Merged exactly: counters summed, histograms added bucket by bucket, seconds aligned on the wall clock. Each shard's generator health is its own machine's; the merged health rows take the worst shard each second.",
            });
        }

        var h = r.Outcome.Health;
        sections.Add(new("Load generator health", ["figure", "value"],
        [
            ["saturated", g.Saturated ? $"**YES**, {g.SaturatedSeconds} s" : "no"],
            ["process CPU (% of all cores) p50 / max", h.Count == 0 ? "-" : $"{g.CpuPercentP50:F0} / {g.CpuPercentMax:F0}"],
            ["machine CPU (all processes) p50 / max", h.Count == 0 ? "-" : $"{g.MachineCpuPercentP50:F0} / {g.MachineCpuPercentMax:F0}"],
            ["scheduler lag p99, worst second", h.Count == 0 ? "-" : $"{g.SchedulerLagP99MsMax:F1} ms"],
            ["arrival schedule lag p99", $"{g.ScheduleLagP99Ms:F2} ms"],
            ["thread-pool queue, max", h.Count == 0 ? "-" : g.ThreadPoolQueueMax.ToString(Inv)],
            ["GC pauses, total", $"{g.GcPauseMsTotal:F0} ms"],
            ["open files, max / limit", h.Count == 0 ? "-" : $"{g.OpenFilesMax} / {g.OpenFileLimit?.ToString(Inv) ?? "?"}"],
            ["working set, max", h.Count == 0 ? "-" : $"{g.WorkingSetMaxBytes / 1048576.0:F0} MB"],
        ])
        { Note = g.EmbeddedGatewayInProcess ? "The embedded gateway runs in this process: its work is in these figures." : null });

        var latency = new List<string[]>();
        foreach (var (phase, _, hist) in s.Histograms.All())
        {
            if (hist.Count > 0)
            {
                latency.Add([phase.ToString(), hist.Count.ToString(Inv), F(hist.P50Ms), F(hist.P90Ms), F(hist.P99Ms), F(hist.P999Ms), F(hist.MaxMs)]);
            }
        }

        sections.Add(new("Latency (ms)", ["phase", "count", "p50", "p90", "p99", "p99.9", "max"], latency)
        {
            Note = $"Connect counts from when the attempt was due (planned arrival or end of backoff), so generator lag shows instead of hiding. Values are within {LatencyHistogram.RelativeError.ToString("P1", Inv)} (HdrHistogram, 2 significant digits).",
        });

        var failures = s.Failures.Keys.Union(s.Drops.Keys).Order(StringComparer.Ordinal)
            .Select(k => new[] { k, s.Failures.GetValueOrDefault(k).ToString(Inv), s.Drops.GetValueOrDefault(k).ToString(Inv) }).ToList();
        if (failures.Count == 0)
        {
            failures.Add(["none", "0", "0"]);
        }

        sections.Add(new("Failures", ["class", "failed attempts", "dropped sessions"], failures));
        if (s.DropsByLastAction.Count > 0)
        {
            sections.Add(new("Dropped sessions by what the client last sent", ["drop", "count"], [.. s.DropsByLastAction.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value.ToString(Inv) })]));
        }

        if (s.Unexpected.Count > 0)
        {
            sections.Add(new("Unexpected exceptions (first message of each)", ["class", "message"], [.. s.Unexpected.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value.Replace("|", "\\|", StringComparison.Ordinal) })]));
        }

        if (s.Thresholds.Count > 0)
        {
            sections.Add(new(s.ThresholdsDefaulted ? "Thresholds (the defaults: the profile sets none)" : "Thresholds", ["threshold", "limit", "actual", "result"], [.. s.Thresholds.Select(t => new[] { t.Name, t.Limit.ToString(Inv), t.Actual.ToString("F3", Inv), t.Passed ? "pass" : "FAIL" })]));
        }

        return sections;
    }

    private static string F(double v) => v.ToString("F2", Inv);

    private static string Name<T>(T value)
        where T : struct, Enum => ProfileEnumConverter<T>.ToName(value);

    public static string Html(RunReport r, RunSummary s)
    {
        var chartJs = ChartLibrary();
        var rows = r.Outcome.Rows;
        double?[] Series(Func<SecondRow, double> f) => [.. rows.Select(x => f(x) is var v && double.IsNaN(v) ? (double?)null : Math.Round(v, 3))];
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
            ["connects"] = Series(x => x.ConnectsOk),
            ["publishes"] = Series(x => x.Publishes),
            ["pubAcks"] = Series(x => x.PubAcks),
            ["received"] = Series(x => x.Received),
            ["failed"] = Series(x => x.ConnectsFailed),
            ["drops"] = Series(x => x.Drops),
            ["cpu"] = Series(x => x.Health.CpuPercent),
            ["machine"] = Series(x => x.Health.MachineCpuPercent ?? double.NaN),
            ["lag"] = Series(x => x.Health.SchedulerLagP99Ms),
            ["queue"] = Series(x => x.Health.ThreadPoolQueue),
            ["gc"] = Series(x => x.Health.GcPauseMs),
            ["authConnects"] = Series(x => x.Authorizer is { } a ? a.Invocations - a.Refreshes : double.NaN),
            ["authRefreshes"] = Series(x => x.Authorizer?.Refreshes ?? double.NaN),
            ["authThrottles"] = Series(x => x.Authorizer?.Throttles ?? double.NaN),
            ["authCold"] = Series(x => x.Authorizer?.ColdStarts ?? double.NaN),
            ["authInFlight"] = Series(x => x.Authorizer?.InFlight ?? double.NaN),
        });
        var authorizerChart = rows.Any(x => x.Authorizer is not null)
            ? "<div><h2>Target authorizer (embedded gateway, per second)</h2><canvas id=\"authorizer\"></canvas></div>"
            : string.Empty;
        static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
        var tables = new StringBuilder();
        foreach (var section in Sections(r, s))
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

        var verdict = VerdictWord(r);
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

    internal static string? ChartLibrary()
    {
        using var stream = typeof(ResultsWriter).Assembly.GetManifestResourceStream("chart.umd.js");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);

        // "</script" inside the library would end the inline script element early.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }

    internal static string Sanitize(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);

    public static string GitCommit()
    {
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse --short=12 HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            if (p is null)
            {
                return "unknown";
            }

            var text = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(2000);
            return p.ExitCode == 0 && text.Length > 0 ? text : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
