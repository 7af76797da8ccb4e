using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simulator.Core.Capacity;
using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Results;

/// <summary>
/// Writes results/&lt;timestamp&gt;-&lt;profile&gt;-capacity/: summary.json (with
/// <c>capacity.sustainableConnectsPerSecond</c>, <c>capacity.limitedBy</c> and <c>capacity.steps[]</c>),
/// steps.csv, report.md and a self-contained report.html charting offered against achieved rate,
/// connect latency and errors against rate.
/// </summary>
internal static class CapacityReportWriter
{
    public const int SchemaVersion = 1;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(CapacityResult result, RunOptions profile, DateTimeOffset started, string resultsRoot)
    {
        var name = $"{started:yyyyMMdd-HHmmss}-{ResultsWriter.Sanitize(profile.Name)}-capacity";
        Directory.CreateDirectory(resultsRoot);
        var dir = Path.Combine(resultsRoot, name);
        for (var n = 2; !ResultsWriter.TryCreateNew(dir); n++)
        {
            dir = Path.Combine(resultsRoot, $"{name}-{n}");
        }

        File.WriteAllText(Path.Combine(dir, "summary.json"), SummaryJson(result, profile, started));
        File.WriteAllText(Path.Combine(dir, "steps.csv"), StepsCsv(result));
        File.WriteAllText(Path.Combine(dir, "report.md"), Markdown(result, profile));
        File.WriteAllText(Path.Combine(dir, "report.html"), Html(result, profile));
        return dir;
    }

    public static string SummaryJson(CapacityResult r, RunOptions profile, DateTimeOffset started)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("kind", "capacity");
            w.WriteString("profile", profile.Name);
            w.WriteString("startedAt", started.ToString("O", Inv));
            w.WriteString("transport", ProfileEnumConverter<DeviceTransportKind>.ToName(profile.Transport.Kind));
            w.WriteString("tokenSource", ProfileEnumConverter<TokenSourceKind>.ToName(profile.Token.Source));
            w.WriteString("target", profile.Target.Kind == TargetKind.Embedded ? "embedded" : profile.Target.Host);
            w.WriteBoolean("cancelled", r.Cancelled);
            w.WriteStartObject("capacity");
            w.WriteNumber("sustainableConnectsPerSecond", r.SustainableConnectsPerSecond);
            w.WriteString("limitedBy", r.LimitedBy);
            if (r.KneeConnectsPerSecond is { } knee)
            {
                w.WriteNumber("kneeConnectsPerSecond", knee);
            }
            else
            {
                w.WriteNull("kneeConnectsPerSecond");
            }

            w.WriteString("conclusion", r.Conclusion);
            var c = profile.Capacity;
            w.WriteStartObject("settings");
            w.WriteNumber("startRate", c.StartRate);
            w.WriteNumber("maxRate", c.MaxRate);
            w.WriteNumber("growth", c.Growth);
            w.WriteNumber("stepSeconds", c.StepSeconds);
            w.WriteNumber("sessionSeconds", c.SessionSeconds);
            w.WriteNumber("refineSteps", c.RefineSteps);
            w.WriteNumber("retries", c.Retries);
            w.WriteStartObject("limits");
            w.WriteNumber("errorRate", c.Limits.ErrorRate);
            w.WriteNumber("connectP99Ms", c.Limits.ConnectP99Ms);
            w.WriteNumber("minAchievedShare", c.Limits.MinAchievedShare);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("steps");
            foreach (var s in r.Steps)
            {
                w.WriteStartObject();
                w.WriteNumber("index", s.Index);
                w.WriteString("stage", s.Stage);
                w.WriteNumber("offeredPerSecond", s.OfferedPerSecond);
                w.WriteNumber("achievedPerSecond", s.AchievedPerSecond);
                w.WriteNumber("seconds", s.Seconds);
                w.WriteNumber("attempts", s.Attempts);
                w.WriteNumber("successes", s.Successes);
                w.WriteNumber("errorRate", Math.Round(s.ErrorRate, 6));
                Number(w, "connectP50Ms", s.ConnectP50Ms);
                Number(w, "connectP99Ms", s.ConnectP99Ms);
                w.WriteStartObject("failures");
                foreach (var (k, v) in s.Failures.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WriteNumber(k, v);
                }

                w.WriteEndObject();
                w.WriteStartObject("generator");
                w.WriteNumber("saturatedSeconds", s.GeneratorSaturatedSeconds);
                w.WriteNumber("cpuPeakPercent", Math.Round(s.GeneratorCpuPeakPercent, 1));
                Number(w, "machineCpuPeakPercent", s.MachineCpuPeakPercent ?? double.NaN);
                w.WriteNumber("schedulerLagP99Ms", Math.Round(s.SchedulerLagP99Ms, 2));
                w.WriteNumber("identityWaits", s.IdentityWaits);
                w.WriteNumber("hotSeconds", s.HotSeconds);
                w.WriteNumber("gcPauseMaxMs", Math.Round(s.GcPauseMaxMs, 2));
                w.WriteNumber("arrivalsLate", s.ArrivalsLate);
                w.WriteNumber("arrivalLatenessMaxMs", s.ArrivalLatenessMaxMs);
                w.WriteBoolean("disturbed", s.Disturbed);
                w.WriteEndObject();
                if (s.Target is { } t)
                {
                    w.WriteStartObject("target");
                    foreach (var (k, v) in t.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    {
                        w.WriteNumber(k, v);
                    }

                    w.WriteEndObject();
                }

                w.WriteBoolean("good", s.Good);
                w.WriteBoolean("repeated", s.Repeated);
                w.WriteStartArray("broken");
                foreach (var b in s.Broken)
                {
                    w.WriteStringValue(b);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsNaN(value))
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteNumber(name, Math.Round(value, 3));
        }
    }

    public static string StepsCsv(CapacityResult r)
    {
        var sb = new StringBuilder("step,stage,offeredPerSecond,achievedPerSecond,attempts,successes,errorRate,connectP50Ms,connectP99Ms,generatorSaturatedSeconds,generatorCpuPeakPercent,machineCpuPeakPercent,identityWaits,hotSeconds,arrivalsLate,disturbed,good,repeated\n");
        foreach (var s in r.Steps)
        {
            sb.Append(Inv, $"{s.Index},{s.Stage},{s.OfferedPerSecond},{s.AchievedPerSecond},{s.Attempts},{s.Successes},{s.ErrorRate:0.######},{s.ConnectP50Ms:0.###},{s.ConnectP99Ms:0.###},{s.GeneratorSaturatedSeconds},{s.GeneratorCpuPeakPercent:0.#},{s.MachineCpuPeakPercent:0.#},{s.IdentityWaits},{s.HotSeconds},{s.ArrivalsLate},{Bool(s.Disturbed)},{Bool(s.Good)},{Bool(s.Repeated)}\n");
        }

        return sb.ToString();
    }

    private static IEnumerable<string[]> Rows(CapacityResult r) => r.Steps.Select(s => new[]
    {
        s.Index.ToString(Inv),
        s.Stage,
        s.OfferedPerSecond.ToString("0.0", Inv),
        s.AchievedPerSecond.ToString("0.0", Inv),
        s.ErrorRate.ToString("P2", Inv),
        s.ConnectP50Ms.ToString("0.0", Inv),
        s.ConnectP99Ms.ToString("0.0", Inv),
        string.Join(", ", s.Failures.Select(f => $"{f.Key} {f.Value}")),
        s.Target is { } t ? string.Join(", ", t.Where(kv => kv.Value != 0 && kv.Key != "connectsAccepted").Select(kv => $"{kv.Key} {kv.Value}")) : "-",
        string.Create(Inv, $"{s.GeneratorCpuPeakPercent:0}% ({s.MachineCpuPeakPercent:0}%){(s.GeneratorSaturatedSeconds > 0 ? " saturated" : string.Empty)}"),
        s.Good ? "good" : (s.Repeated ? "BAD, generator disturbed, offered again: " : "BAD: ") + string.Join("; ", s.Broken),
    });

    private static readonly string[] Header = ["step", "stage", "offered /s", "achieved /s", "errors", "p50 ms", "p99 ms", "failures", "at the target", "generator CPU peak (machine)", "verdict"];

    public static string Markdown(CapacityResult r, RunOptions profile)
    {
        var sb = new StringBuilder();
        sb.Append(Inv, $"# Capacity: {profile.Name}\n\n");
        sb.Append(Inv, $"**Sustainable: {r.SustainableConnectsPerSecond:0.#} connects/s, limited by {r.LimitedBy}.** {r.Conclusion}.\n\n");
        sb.Append("| ").Append(string.Join(" | ", Header)).Append(" |\n|");
        sb.Append(string.Concat(Enumerable.Repeat("---|", Header.Length))).Append('\n');
        foreach (var row in Rows(r))
        {
            sb.Append("| ").Append(string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        }

        return sb.ToString();
    }

    public static string Html(CapacityResult r, RunOptions profile)
    {
        static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
        var data = CapacityCharts.Json(r.Steps);
        var table = new StringBuilder("<table><thead><tr>");
        foreach (var h in Header)
        {
            table.Append(Inv, $"<th>{E(h)}</th>");
        }

        table.Append("</tr></thead><tbody>");
        foreach (var row in Rows(r))
        {
            table.Append("<tr>");
            foreach (var cell in row)
            {
                table.Append(Inv, $"<td{(cell.StartsWith("BAD", StringComparison.Ordinal) ? " class=\"bad\"" : string.Empty)}>{E(cell)}</td>");
            }

            table.Append("</tr>");
        }

        table.Append("</tbody></table>");
        var warn = r.LimitedBy == LimitedBy.Generator ? $"<p class=\"warn\" id=\"generator-warning\"><strong>Lower bound:</strong> {E(r.Conclusion)}</p>" : string.Empty;
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Capacity: {{E(profile.Name)}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}canvas{max-height:300px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
            table{border-collapse:collapse;margin-bottom:1rem;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}th{background:#f3f3f3}td.bad{color:#b00020}
            .warn{background:#fff3cd;border:1px solid #e0c060;padding:.6rem}</style>
            </head><body>
            <h1>Capacity: {{E(profile.Name)}}</h1>
            <p id="result"><strong>Sustainable: {{r.SustainableConnectsPerSecond.ToString("0.#", Inv)}} connects/s, limited by {{E(r.LimitedBy)}}.</strong> {{E(r.Conclusion)}}.</p>
            {{warn}}
            {{CapacityCharts.Canvases}}
            {{table}}
            <script>{{(ChartLibrary.Script() ?? "/* the chart library was not available when this simulator was built (npm missing) */")}}</script>
            <script>
            {{CapacityCharts.Script}}
            const d = {{data}};
            const charts = capacityCharts(d);
            window.chartsRendered = charts.length;
            document.body.dataset.chartsRendered = String(charts.length);
            </script>
            </body></html>
            """;
    }
}
