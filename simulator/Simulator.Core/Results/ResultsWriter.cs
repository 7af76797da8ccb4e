using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simulator.Core.Histograms;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;

namespace Simulator.Core.Results;

/// <summary>
/// Writes results/&lt;timestamp&gt;-&lt;profile&gt;/: summary.json (schema <see cref="SchemaVersion"/>), timeseries.csv (a row per
/// second), report.md and report.html (self-contained, the pinned chart library inlined).
/// </summary>
public static class ResultsWriter
{
    public const int SchemaVersion = 5;
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
        Replace(Path.Combine(dir, "timeseries.csv"), TimeseriesCsv(report));
        Replace(Path.Combine(dir, "summary.json"), SummaryJson(report));
        WriteReports(report, dir);
    }

    /// <summary>report.md, report.html and unexpected.txt, as <c>simulator report</c> also writes them beside an incomplete run's rows.</summary>
    internal static void WriteReports(RunReport report, string dir)
    {
        Replace(Path.Combine(dir, "report.md"), Markdown(report));
        Replace(Path.Combine(dir, "report.html"), Html(report));
        if (report.Metrics.FirstStacks.Count > 0)
        {
            // Our own bugs, made reportable: where each unexpected class was first thrown.
            Replace(Path.Combine(dir, "unexpected.txt"), string.Concat(report.Metrics.FirstStacks.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"== {kv.Key}\n{kv.Value}\n")));
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
        _ => "FAILED",
    };

    public static string SummaryJson(RunReport r)
    {
        var o = r.Outcome;
        var census = o.FinalCensus;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("tool", "nrf-fleet-simulator");
            w.WriteString("profileName", r.Profile.Name);
            w.WriteString("startedAt", o.StartedAt.ToString("O", Inv));
            w.WriteNumber("durationSeconds", Math.Round(o.DurationSeconds, 3));
            w.WriteString("verdict", r.Verdict.ToString().ToLowerInvariant());
            w.WriteBoolean("passed", r.Passed);
            w.WriteBoolean("cancelled", o.Cancelled);
            w.WriteBoolean("thresholdsDefaulted", r.ThresholdsDefaulted);

            // Set by `simulator report` on a run that died before its end: why these figures are partial.
            if (r.Incomplete is { } incomplete)
            {
                w.WriteString("incomplete", incomplete);
            }
            else
            {
                w.WriteNull("incomplete");
            }
            w.WriteString("gitCommit", GitCommit());
            w.WriteStartObject("machine");
            w.WriteString("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            w.WriteNumber("cores", Environment.ProcessorCount);
            w.WriteNumber("memoryBytes", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
            w.WriteString("dotnet", Environment.Version.ToString());
            w.WriteEndObject();

            // Which TLS implementation the devices' MQTT connects ran on: per-connect cost differs by provider.
            w.WriteString("tls", Load.DeviceTransport.TlsName(r.Profile.Transport));
            if (r.StartSkewMs is { } skew)
            {
                w.WriteNumber("startSkewMs", Math.Round(skew, 1));
            }

            w.WritePropertyName("profile");
            (r.ProfileNode ?? ProfileWithoutSecrets(r.Profile)).WriteTo(w);
            w.WriteStartObject("devices");
            w.WriteNumber("fleet", r.FleetDevices);
            w.WriteNumber("planned", o.PlannedDevices);
            w.WriteNumber("peakConnected", o.PeakConnected);
            w.WriteNumber("connectedAtLastHold", o.ConnectedAtLastHold);
            w.WriteNumber("started", census?.DevicesStarted ?? 0);
            w.WriteNumber("ended", census?.DevicesEnded ?? 0);
            w.WriteNumber("crashed", census?.DevicesCrashed ?? 0);
            w.WriteNumber("notStopped", o.DevicesNotStopped);
            w.WriteEndObject();
            w.WriteNumber("attemptsStarted", census?.AttemptsStarted ?? 0);
            w.WriteNumber("attempts", r.Metrics.Attempts);
            w.WriteNumber("successes", r.Metrics.Successes);
            w.WriteNumber("failed", r.Metrics.Failed);
            w.WriteNumber("interrupted", r.Metrics.Interrupted);
            w.WriteNumber("errorRate", Math.Round(r.ErrorRate, 6));
            WriteCounts(w, "failures", r.Metrics.Failures);
            WriteCounts(w, "drops", r.Metrics.Drops);
            WriteCounts(w, "dropsByLastAction", r.Metrics.DropsByLastAction);
            WriteCounts(w, "crashes", r.Metrics.Crashes);
            w.WriteStartObject("unexpected");
            foreach (var (k, v) in r.Metrics.FirstMessages.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            w.WriteNumber("publishes", r.Metrics.Publishes);
            w.WriteNumber("pubAcks", r.Metrics.PubAcks);
            w.WriteNumber("received", r.Metrics.Received);
            w.WriteStartObject("accounting");
            w.WriteBoolean("holds", r.AccountingHolds);
            w.WriteNumber("brokenSeconds", o.AccountingBrokenSeconds);
            if (o.AccountingProblem is { } problem)
            {
                w.WriteString("problem", problem);
            }
            else
            {
                w.WriteNull("problem");
            }

            w.WriteNumber("arrivalsPlanned", o.ArrivalsPlanned);
            w.WriteNumber("arrivalsStarted", o.ArrivalsStarted);
            w.WriteNumber("attemptsInFlightAtEnd", census?.AttemptsInFlight ?? 0);
            w.WriteEndObject();
            WriteGenerator(w, r);
            WriteTargetAuthorizer(w, r);
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

                // Lossless, so shards merge exactly (simulator merge) and HdrHistogram's tools read it:
                // the µs counts in HdrHistogram's standard encoding, the exact extremes beside them.
                w.WriteString("encoding", LatencyHistogram.Encoding);
                w.WriteNumber("minUs", h.Min);
                w.WriteNumber("maxUs", h.Max);
                w.WriteString("histogram", h.ToCompressedBase64());
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
            if (r.Shards is { } shards)
            {
                WriteShards(w, shards);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>
    /// The profile as run, minus what derives keys: the fleet seed becomes a fingerprint (enough
    /// to tell two runs' fleets apart, useless to rebuild their keys).
    /// </summary>
    public static System.Text.Json.Nodes.JsonNode ProfileWithoutSecrets(RunProfile profile)
    {
        var node = JsonSerializer.SerializeToNode(profile, ProfileJsonContext.Default.RunProfile)!;
        if (node["fleet"] is System.Text.Json.Nodes.JsonObject fleet && fleet["seed"] is { } seed)
        {
            var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("nrf-fleet-seed:" + seed.GetValue<string>()));
            fleet.Remove("seed");
            fleet["seedFingerprint"] = "sha256:" + Convert.ToHexStringLower(hash)[..16];
        }

        return node;
    }

    /// <summary>The embedded target's authorizer over the run: connect and refresh invocations, throttles, cold starts.</summary>
    private static void WriteTargetAuthorizer(Utf8JsonWriter w, RunReport r)
    {
        var rows = r.Outcome.Rows.Where(x => x.Authorizer is not null).Select(x => x.Authorizer!.Value).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        w.WriteStartObject("targetAuthorizer");
        w.WriteNumber("connectInvocations", rows.Sum(a => a.Invocations - a.Refreshes));
        w.WriteNumber("refreshInvocations", rows.Sum(a => a.Refreshes));
        w.WriteNumber("throttles", rows.Sum(a => a.Throttles));
        w.WriteNumber("coldStarts", rows.Sum(a => a.ColdStarts));
        w.WriteNumber("timeouts", rows.Sum(a => a.Timeouts));
        w.WriteNumber("inFlightMax", rows.Max(a => a.InFlight));
        w.WriteEndObject();
    }

    /// <summary>A merged run's shards, each with the health it had on its own machine.</summary>
    private static void WriteShards(Utf8JsonWriter w, IReadOnlyList<ShardInfo> shards)
    {
        w.WriteStartArray("shards");
        foreach (var s in shards)
        {
            w.WriteStartObject();
            w.WriteString("shard", s.Shard);
            w.WriteString("directory", s.Directory);
            w.WriteString("verdict", s.Verdict);
            w.WriteString("startedAt", s.StartedAt.ToString("O", Inv));
            if (s.StartSkewMs is { } skew)
            {
                w.WriteNumber("startSkewMs", skew);
            }

            w.WriteNumber("devices", s.Devices);
            w.WriteNumber("successes", s.Successes);
            w.WriteNumber("failed", s.Failed);
            w.WriteBoolean("accountingHolds", s.AccountingHolds);
            w.WriteBoolean("generatorSaturated", s.GeneratorSaturated);
            w.WriteNumber("generatorSaturatedSeconds", s.GeneratorSaturatedSeconds);
            w.WriteNumber("cpuPercentMax", s.CpuPercentMax);
            if (s.GeneratorWarning is { } warning)
            {
                w.WriteString("generatorWarning", warning);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteGenerator(Utf8JsonWriter w, RunReport r)
    {
        var h = r.Outcome.Health;
        w.WriteStartObject("generator");
        w.WriteBoolean("saturated", r.GeneratorSaturated);
        w.WriteNumber("saturatedSeconds", r.Outcome.GeneratorSaturatedSeconds);
        if (r.GeneratorWarning is { } warning)
        {
            w.WriteString("warning", warning);
        }
        else
        {
            w.WriteNull("warning");
        }

        w.WriteBoolean("embeddedGatewayInProcess", r.EmbeddedGateway);
        w.WriteNumber("cpuPercentP50", Median(h.Select(s => s.CpuPercent)));
        w.WriteNumber("cpuPercentMax", h.Count == 0 ? 0 : h.Max(s => s.CpuPercent));
        w.WriteNumber("machineCpuPercentP50", Median(h.Select(s => s.MachineCpuPercent ?? 0)));
        w.WriteNumber("machineCpuPercentMax", h.Count == 0 ? 0 : h.Max(s => s.MachineCpuPercent ?? 0));
        w.WriteNumber("schedulerLagP99MsMax", h.Count == 0 ? 0 : h.Max(s => s.SchedulerLagP99Ms));
        w.WriteNumber("threadPoolQueueMax", h.Count == 0 ? 0 : h.Max(s => s.ThreadPoolQueue));
        w.WriteNumber("gcPauseMsTotal", Math.Round(h.Sum(s => s.GcPauseMs), 2));
        w.WriteNumber("openFilesMax", h.Count == 0 ? 0 : h.Max(s => s.OpenFiles ?? 0));
        if (h.Count > 0 && h[0].OpenFileLimit is { } limit)
        {
            w.WriteNumber("openFileLimit", limit);
        }

        w.WriteNumber("workingSetMaxBytes", h.Count == 0 ? 0 : h.Max(s => s.WorkingSetBytes));
        w.WriteNumber("scheduleLagP99Ms", RunReport.Ms(r.Metrics[Phase.ScheduleLag], 99));
        w.WriteEndObject();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    public static string TimeseriesCsv(RunReport r) => Results.TimeseriesCsv.Write(r.Outcome.Rows);

    public static string Markdown(RunReport r)
    {
        var o = r.Outcome;
        var sb = new StringBuilder();
        sb.Append(Inv, $"# Run report: {r.Profile.Name}\n\n");
        sb.Append(Inv, $"{r.Profile.Description}\n\n");
        sb.Append(Inv, $"**{VerdictWord(r)}**{(r.Incomplete is { } why ? $" ({why}: no verdict on the target)" : o.Cancelled ? " (stopped before the plan ended: no verdict on the target)" : !r.AnyConnected ? " (no attempt connected: the target was not reached)" : r.Verdict == RunVerdict.Unjudged ? " (the profile's thresholds section is empty: nothing was judged)" : string.Empty)}\n\n");
        if (r.GeneratorWarning is { } warning)
        {
            sb.Append(Inv, $"> **Warning:** {warning}\n\n");
        }

        if (!r.AccountingHolds)
        {
            sb.Append(Inv, $"> **Accounting broke:** {o.AccountingProblem ?? "see the accounting table"}. The figures below may not cover every device.\n\n");
        }

        foreach (var section in Sections(r))
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
    private static List<ReportSection> Sections(RunReport r)
    {
        var o = r.Outcome;
        var census = o.FinalCensus;
        var sections = new List<ReportSection>
        {
            new("Run", ["item", "value"],
            [
                ["started", o.StartedAt.ToString("u", Inv)],
                ["duration", $"{o.DurationSeconds:F1} s"],
                ["commit", GitCommit()],
                ["machine", $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}"],
                ["target", $"{Name(r.Profile.Target.Kind)}{(r.EmbeddedGateway ? " (in this process)" : string.Empty)}"],
                ["transport / tokens", $"{Name(r.Profile.Transport.Kind)} (TLS: {Load.DeviceTransport.TlsName(r.Profile.Transport)}) / {Name(r.Profile.Token.Source)}, QoS {r.Profile.Device.Qos}"],
                ["arrivals", Name(r.Profile.Arrivals)],
            ]),
            new("Devices and attempts", ["item", "value"],
            [
                ["fleet / planned peak", $"{r.FleetDevices} / {o.PlannedDevices}"],
                ["peak connected / at end of last hold", $"{o.PeakConnected} / {o.ConnectedAtLastHold}"],
                ["attempts: connected / failed / interrupted by stop", $"{r.Metrics.Successes} / {r.Metrics.Failed} / {r.Metrics.Interrupted}"],
                ["error rate", r.ErrorRate.ToString("P3", Inv)],
                ["publishes / PUBACKs / own messages back", $"{r.Metrics.Publishes} / {r.Metrics.PubAcks} / {r.Metrics.Received}"],
            ]),
            new("Accounting", ["check", "value"],
            [
                ["every device accounted for, every second and at the end", r.AccountingHolds ? "yes" : "**NO**"],
                ["seconds a check failed", o.AccountingBrokenSeconds.ToString(Inv)],
                ["devices started / ended / crashed / not stopped", $"{census?.DevicesStarted} / {census?.DevicesEnded} / {census?.DevicesCrashed} / {o.DevicesNotStopped}"],
                ["attempts opened / ended with an outcome", $"{census?.AttemptsStarted} / {census?.AttemptsEnded}"],
                ["arrivals planned / started", $"{o.ArrivalsPlanned} / {o.ArrivalsStarted}"],
                ["problem", o.AccountingProblem ?? "none"],
            ]),
        };

        if (r.Shards is { } shards)
        {
            sections.Add(new("Shards", ["shard", "verdict", "devices", "connected / failed", "accounting", "generator", "CPU max", "start skew"],
                [.. shards.Select(s => new[]
                {
                    s.Shard, s.Verdict, s.Devices.ToString(Inv), $"{s.Successes} / {s.Failed}", s.AccountingHolds ? "holds" : "**BROKE**",
                    s.GeneratorSaturated ? $"**saturated {s.GeneratorSaturatedSeconds} s**" : "healthy", $"{s.CpuPercentMax:F0} %",
                    s.StartSkewMs is { } skew ? $"{skew:F0} ms" : "-",
                })])
            {
                Note = "Merged exactly: counters summed, histograms added bucket by bucket, seconds aligned on the wall clock. Each shard's generator health is its own machine's; the merged health rows take the worst shard each second.",
            });
        }

        var h = o.Health;
        sections.Add(new("Load generator health", ["figure", "value"],
        [
            ["saturated", r.GeneratorSaturated ? $"**YES**, {o.GeneratorSaturatedSeconds} s" : "no"],
            ["process CPU (% of all cores) p50 / max", h.Count == 0 ? "-" : $"{Median(h.Select(s => s.CpuPercent)):F0} / {h.Max(s => s.CpuPercent):F0}"],
            ["machine CPU (all processes) p50 / max", h.Count == 0 ? "-" : $"{Median(h.Select(s => s.MachineCpuPercent ?? 0)):F0} / {h.Max(s => s.MachineCpuPercent ?? 0):F0}"],
            ["scheduler lag p99, worst second", h.Count == 0 ? "-" : $"{h.Max(s => s.SchedulerLagP99Ms):F1} ms"],
            ["arrival schedule lag p99", $"{RunReport.Ms(r.Metrics[Phase.ScheduleLag], 99):F2} ms"],
            ["thread-pool queue, max", h.Count == 0 ? "-" : h.Max(s => s.ThreadPoolQueue).ToString(Inv)],
            ["GC pauses, total", $"{h.Sum(s => s.GcPauseMs):F0} ms"],
            ["open files, max / limit", h.Count == 0 ? "-" : $"{h.Max(s => s.OpenFiles ?? 0)} / {h[0].OpenFileLimit?.ToString(Inv) ?? "?"}"],
            ["working set, max", h.Count == 0 ? "-" : $"{h.Max(s => s.WorkingSetBytes) / 1048576.0:F0} MB"],
        ])
        { Note = r.EmbeddedGateway ? "The embedded gateway runs in this process: its work is in these figures." : null });

        var latency = new List<string[]>();
        foreach (var phase in Enum.GetValues<Phase>())
        {
            var hist = r.Metrics[phase];
            if (hist.Count > 0)
            {
                latency.Add([phase.ToString(), hist.Count.ToString(Inv), F(RunReport.Ms(hist, 50)), F(RunReport.Ms(hist, 90)), F(RunReport.Ms(hist, 99)), F(RunReport.Ms(hist, 99.9)), F(hist.Max / 1000.0)]);
            }
        }

        sections.Add(new("Latency (ms)", ["phase", "count", "p50", "p90", "p99", "p99.9", "max"], latency)
        {
            Note = $"Connect counts from when the attempt was due (planned arrival or end of backoff), so generator lag shows instead of hiding. Values are within {LatencyHistogram.RelativeError.ToString("P1", Inv)} (HdrHistogram, 2 significant digits).",
        });

        var failures = r.Metrics.Failures.Keys.Union(r.Metrics.Drops.Keys).Order(StringComparer.Ordinal)
            .Select(k => new[] { k, r.Metrics.Failures.GetValueOrDefault(k).ToString(Inv), r.Metrics.Drops.GetValueOrDefault(k).ToString(Inv) }).ToList();
        if (failures.Count == 0)
        {
            failures.Add(["none", "0", "0"]);
        }

        sections.Add(new("Failures", ["class", "failed attempts", "dropped sessions"], failures));
        if (r.Metrics.DropsByLastAction.Count > 0)
        {
            sections.Add(new("Dropped sessions by what the client last sent", ["drop", "count"], [.. r.Metrics.DropsByLastAction.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value.ToString(Inv) })]));
        }

        if (r.Metrics.FirstMessages.Count > 0)
        {
            sections.Add(new("Unexpected exceptions (first message of each)", ["class", "message"], [.. r.Metrics.FirstMessages.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value.Replace("|", "\\|", StringComparison.Ordinal) })]));
        }

        if (r.Thresholds.Count > 0)
        {
            sections.Add(new(r.ThresholdsDefaulted ? "Thresholds (the defaults: the profile sets none)" : "Thresholds", ["threshold", "limit", "actual", "result"], [.. r.Thresholds.Select(t => new[] { t.Name, t.Limit.ToString(Inv), t.Actual.ToString("F3", Inv), t.Passed ? "pass" : "FAIL" })]));
        }

        return sections;
    }

    private static string F(double v) => v.ToString("F2", Inv);

    private static string Name<T>(T value)
        where T : struct, Enum => ProfileEnumConverter<T>.ToName(value);

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
        data.Append(Inv, $"\"failed\":{Series(x => x.ConnectsFailed)},\"drops\":{Series(x => x.Drops)},");
        data.Append(Inv, $"\"cpu\":{Series(x => x.Health.CpuPercent)},\"machine\":{Series(x => x.Health.MachineCpuPercent ?? double.NaN)},\"lag\":{Series(x => x.Health.SchedulerLagP99Ms)},\"queue\":{Series(x => x.Health.ThreadPoolQueue)},\"gc\":{Series(x => x.Health.GcPauseMs)},");
        data.Append(Inv, $"\"authConnects\":{Series(x => x.Authorizer is { } a ? a.Invocations - a.Refreshes : double.NaN)},\"authRefreshes\":{Series(x => x.Authorizer?.Refreshes ?? double.NaN)},\"authThrottles\":{Series(x => x.Authorizer?.Throttles ?? double.NaN)},\"authCold\":{Series(x => x.Authorizer?.ColdStarts ?? double.NaN)},\"authInFlight\":{Series(x => x.Authorizer?.InFlight ?? double.NaN)}}}");
        var authorizerChart = rows.Any(x => x.Authorizer is not null)
            ? "<div><h2>Target authorizer (embedded gateway, per second)</h2><canvas id=\"authorizer\"></canvas></div>"
            : string.Empty;
        static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
        var tables = new StringBuilder();
        foreach (var section in Sections(r))
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
            .warn{background:#fff3cd;border:1px solid #e0c060;padding:.6rem}.note{color:#555}.verdict-PASSED{color:#2a7d2a}.verdict-FAILED,.verdict-CANCELLED,.verdict-INCOMPLETE{color:#b00020}.verdict-NO{color:#8a6d00}</style>
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
