using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;

namespace Simulator.Core.Results;

/// <summary>
/// Writes results/&lt;timestamp&gt;-&lt;profile&gt;/: summary.json (schema 1), timeseries.csv (a row per
/// second), report.md and report.html (self-contained, the pinned chart library inlined).
/// </summary>
public static class ResultsWriter
{
    public const int SchemaVersion = 1;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(RunReport report, string resultsRoot)
    {
        var name = $"{report.Outcome.StartedAt:yyyyMMdd-HHmmss}-{Sanitize(report.Profile.Name)}";
        var dir = Path.Combine(resultsRoot, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "summary.json"), SummaryJson(report));
        File.WriteAllText(Path.Combine(dir, "timeseries.csv"), TimeseriesCsv(report));
        File.WriteAllText(Path.Combine(dir, "report.md"), Markdown(report));
        File.WriteAllText(Path.Combine(dir, "report.html"), Html(report));
        return dir;
    }

    public static bool ChartLibraryAvailable => typeof(ResultsWriter).Assembly.GetManifestResourceInfo("chart.umd.js") is not null;

    public static string SummaryJson(RunReport r)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("tool", "nrf-fleet-simulator");
            w.WriteString("profileName", r.Profile.Name);
            w.WriteString("startedAt", r.Outcome.StartedAt.ToString("O", Inv));
            w.WriteNumber("durationSeconds", Math.Round(r.Outcome.DurationSeconds, 3));
            w.WriteBoolean("cancelled", r.Outcome.Cancelled);
            w.WriteString("gitCommit", GitCommit());
            w.WriteStartObject("machine");
            w.WriteString("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            w.WriteNumber("cores", Environment.ProcessorCount);
            w.WriteNumber("memoryBytes", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
            w.WriteString("dotnet", Environment.Version.ToString());
            w.WriteEndObject();
            w.WritePropertyName("profile");
            JsonSerializer.Serialize(w, r.Profile, ProfileJsonContext.Default.RunProfile);
            w.WriteStartObject("devices");
            w.WriteNumber("fleet", r.FleetDevices);
            w.WriteNumber("planned", r.Outcome.PlannedDevices);
            w.WriteNumber("peakConnected", r.Outcome.PeakConnected);
            w.WriteEndObject();
            w.WriteNumber("attempts", r.Metrics.Attempts);
            w.WriteNumber("successes", r.Metrics.Successes);
            w.WriteNumber("errorRate", Math.Round(r.ErrorRate, 6));
            WriteCounts(w, "failures", r.Metrics.Failures);
            WriteCounts(w, "drops", r.Metrics.Drops);
            w.WriteNumber("publishes", r.Metrics.Publishes);
            w.WriteNumber("pubAcks", r.Metrics.PubAcks);
            w.WriteNumber("received", r.Metrics.Received);
            w.WriteBoolean("identityHeldEverySecond", r.IdentityHeldEverySecond);
            w.WriteStartObject("histograms");
            foreach (var phase in Enum.GetValues<Phase>())
            {
                var h = r.Metrics[phase];
                w.WriteStartObject(JsonNamingPolicy.CamelCase.ConvertName(phase.ToString()));
                w.WriteNumber("count", h.Count);
                w.WriteNumber("minMs", h.Min / 1000.0);
                w.WriteNumber("meanMs", Math.Round(h.Mean / 1000.0, 3));
                w.WriteNumber("p50Ms", RunReport.Ms(h, 50));
                w.WriteNumber("p90Ms", RunReport.Ms(h, 90));
                w.WriteNumber("p99Ms", RunReport.Ms(h, 99));
                w.WriteNumber("p999Ms", RunReport.Ms(h, 99.9));
                w.WriteNumber("maxMs", h.Max / 1000.0);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartArray("thresholds");
            foreach (var t in r.Thresholds)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteNumber("limit", t.Limit);
                w.WriteNumber("actual", Math.Round(t.Actual, 6));
                w.WriteBoolean("passed", t.Passed);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("passed", r.Passed);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string TimeseriesCsv(RunReport r)
    {
        var sb = new StringBuilder("second,phase,target,devices,connecting,connected,backingOff,givenUp,identityHolds,connectsOk,connectsFailed,publishes,pubAcks,received,drops,connectP50Ms,connectP99Ms,errors\n");
        foreach (var row in r.Outcome.Rows)
        {
            sb.Append(Inv, $"{row.Second},\"{row.Phase}\",{row.Target},{row.Devices},{row.Connecting},{row.Connected},{row.BackingOff},{row.GivenUp},{(row.IdentityHolds ? "true" : "false")},{row.ConnectsOk},{row.ConnectsFailed},{row.Publishes},{row.PubAcks},{row.Received},{row.Drops},{Csv(row.ConnectP50Ms)},{Csv(row.ConnectP99Ms)},\"{string.Join(';', row.ErrorsByClass.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}:{e.Value}"))}\"\n");
        }

        return sb.ToString();
    }

    public static string Markdown(RunReport r)
    {
        var sb = new StringBuilder();
        sb.Append(Inv, $"# Run report: {r.Profile.Name}\n\n");
        sb.Append(Inv, $"{r.Profile.Description}\n\n");
        sb.Append(Inv, $"- Started {r.Outcome.StartedAt:u}, {r.Outcome.DurationSeconds:F1} s{(r.Outcome.Cancelled ? " (stopped early)" : string.Empty)}; commit {GitCommit()}\n");
        sb.Append(Inv, $"- Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}\n");
        sb.Append(Inv, $"- Target {r.Profile.Target.Kind}, transport {r.Profile.Transport.Kind}, token source {r.Profile.Token.Source}, QoS {r.Profile.Device.Qos}\n");
        sb.Append(Inv, $"- Devices: fleet {r.FleetDevices}, planned peak {r.Outcome.PlannedDevices}, peak connected {r.Outcome.PeakConnected}\n");
        sb.Append(Inv, $"- Attempts {r.Metrics.Attempts}, successes {r.Metrics.Successes}, error rate {r.ErrorRate:P3}; publishes {r.Metrics.Publishes}, PUBACKs {r.Metrics.PubAcks}, own messages received {r.Metrics.Received}\n");
        sb.Append(Inv, $"- Accounting identity (devices = connecting + connected + backing off + given up) held every second: {(r.IdentityHeldEverySecond ? "yes" : "NO")}\n");
        sb.Append(Inv, $"- **{(r.Passed ? "PASSED" : "FAILED")}**\n\n");
        sb.Append("## Latency (ms)\n\n| phase | count | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (var phase in Enum.GetValues<Phase>())
        {
            var h = r.Metrics[phase];
            if (h.Count > 0)
            {
                sb.Append(Inv, $"| {phase} | {h.Count} | {RunReport.Ms(h, 50):F2} | {RunReport.Ms(h, 90):F2} | {RunReport.Ms(h, 99):F2} | {RunReport.Ms(h, 99.9):F2} | {h.Max / 1000.0:F2} |\n");
            }
        }

        sb.Append(Inv, $"\nValues are within {LogLinearHistogram.RelativeError:P1} (log-linear histogram).\n\n## Failures\n\n");
        if (r.Metrics.Failures.Count == 0 && r.Metrics.Drops.Count == 0)
        {
            sb.Append("None.\n");
        }
        else
        {
            sb.Append("| class | failed attempts | dropped sessions |\n|---|---:|---:|\n");
            foreach (var key in r.Metrics.Failures.Keys.Union(r.Metrics.Drops.Keys).Order(StringComparer.Ordinal))
            {
                sb.Append(Inv, $"| {key} | {r.Metrics.Failures.GetValueOrDefault(key)} | {r.Metrics.Drops.GetValueOrDefault(key)} |\n");
            }
        }

        if (r.Thresholds.Count > 0)
        {
            sb.Append("\n## Thresholds\n\n| threshold | limit | actual | result |\n|---|---:|---:|---|\n");
            foreach (var t in r.Thresholds)
            {
                sb.Append(Inv, $"| {t.Name} | {t.Limit} | {t.Actual:F3} | {(t.Passed ? "pass" : "FAIL")} |\n");
            }
        }

        return sb.ToString();
    }

    public static string Html(RunReport r)
    {
        var chartJs = ChartLibrary();
        var rows = r.Outcome.Rows;
        string Series(Func<SecondRow, double> f) => "[" + string.Join(',', rows.Select(x => double.IsNaN(f(x)) ? "null" : f(x).ToString("0.###", Inv))) + "]";
        var data = new StringBuilder("{");
        data.Append(Inv, $"\"t\":{Series(x => x.Second)},");
        data.Append(Inv, $"\"target\":{Series(x => x.Target)},\"devices\":{Series(x => x.Devices)},\"connected\":{Series(x => x.Connected)},\"connecting\":{Series(x => x.Connecting)},\"backingOff\":{Series(x => x.BackingOff)},\"givenUp\":{Series(x => x.GivenUp)},");
        data.Append(Inv, $"\"p50\":{Series(x => x.ConnectP50Ms)},\"p99\":{Series(x => x.ConnectP99Ms)},");
        data.Append(Inv, $"\"connects\":{Series(x => x.ConnectsOk)},\"publishes\":{Series(x => x.Publishes)},\"pubAcks\":{Series(x => x.PubAcks)},\"received\":{Series(x => x.Received)},");
        data.Append(Inv, $"\"failed\":{Series(x => x.ConnectsFailed)},\"drops\":{Series(x => x.Drops)}}}");
        var markdown = System.Net.WebUtility.HtmlEncode(Markdown(r));
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Run report: {{System.Net.WebUtility.HtmlEncode(r.Profile.Name)}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}canvas{max-height:320px}pre{background:#f6f6f6;padding:1rem;overflow:auto}.grid{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}</style>
            </head><body>
            <h1>Run report: {{System.Net.WebUtility.HtmlEncode(r.Profile.Name)}} — {{(r.Passed ? "passed" : "FAILED")}}</h1>
            <div class="grid">
            <div><h2>Connections</h2><canvas id="connections"></canvas></div>
            <div><h2>Connect latency (ms)</h2><canvas id="latency"></canvas></div>
            <div><h2>Throughput (per second)</h2><canvas id="throughput"></canvas></div>
            <div><h2>Errors (per second)</h2><canvas id="errors"></canvas></div>
            </div>
            <h2>Summary</h2><pre>{{markdown}}</pre>
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
            document.body.dataset.chartsRendered = String(window.chartsRendered);
            </script>
            </body></html>
            """;
    }

    private static string? ChartLibrary()
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

    private static void WriteCounts(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> counts)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(k, v);
        }

        w.WriteEndObject();
    }

    private static string Csv(double value) => double.IsNaN(value) ? string.Empty : value.ToString("F3", Inv);

    private static string Sanitize(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);

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
