using System.Globalization;
using System.Text;
using System.Text.Json;
using Simulator.Core.Errors;
using static Simulator.Core.Results.SummaryFields;

namespace Simulator.Core.Results;

/// <summary>
/// Compares two runs' summary.json: latency percentiles of each phase and the error rate. A
/// regression is a latency worse by more than the relative tolerance (and by at least 1 ms, below
/// which timer noise dominates), an error rate higher by more than the absolute tolerance, or a
/// phase the baseline measured that the candidate did not (missing or empty). A zero baseline
/// regresses on any increase of at least 1 ms. A cancelled run is refused as a baseline, and
/// flagged as a candidate.
/// </summary>
public static class RunComparison
{
    private static readonly string[] Percentiles = ["p50Ms", "p99Ms"];

    public static (string Text, bool Regressed) Compare(string baselinePath, string candidatePath, double latencyTolerance, double errorRateTolerance)
    {
        var missing = new[] { baselinePath, candidatePath }.Where(p => !File.Exists(SummaryFile(p))).ToList();
        if (missing.Count > 0)
        {
            throw new InputException($"summary.json not found in {string.Join(" nor in ", missing.Select(m => $"'{m}'"))}");
        }

        using var a = Load(baselinePath);
        using var b = Load(candidatePath);
        var fa = SummaryFile(baselinePath);
        var fb = SummaryFile(candidatePath);
        if (Bool(a.RootElement, "cancelled", fa, optional: true))
        {
            throw new InputException("the baseline run was cancelled before its plan ended; it cannot serve as a baseline", fa, field: "cancelled");
        }

        var sb = new StringBuilder();
        var regressed = false;
        sb.AppendLine(CultureInfo.InvariantCulture, $"baseline  {Describe(a.RootElement, fa)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"candidate {Describe(b.RootElement, fb)}");
        sb.AppendLine();
        sb.AppendLine("| metric | baseline | candidate | change | verdict |");
        sb.AppendLine("|---|---:|---:|---:|---|");
        var ha = Obj(a.RootElement, "histograms", fa);
        var hb = Obj(b.RootElement, "histograms", fb);
        foreach (var phase in ha.EnumerateObject())
        {
            var countA = Number(phase.Value, "count", fa, $"histograms.{phase.Name}");
            if (countA == 0)
            {
                continue;
            }

            if (!hb.TryGetProperty(phase.Name, out var other) || other.ValueKind != JsonValueKind.Object || Number(other, "count", fb, $"histograms.{phase.Name}") == 0)
            {
                regressed = true;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {phase.Name} | {countA:0} samples | none | - | MISSING: the candidate did not measure it |");
                continue;
            }

            foreach (var p in Percentiles)
            {
                var x = Number(phase.Value, p, fa, $"histograms.{phase.Name}");
                var y = Number(other, p, fb, $"histograms.{phase.Name}");
                var change = x == 0 ? (y == 0 ? 0 : double.PositiveInfinity) : (y - x) / x;
                var bad = change > latencyTolerance && y - x >= 1.0;
                regressed |= bad;
                var shown = double.IsPositiveInfinity(change) ? "from 0" : change.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {phase.Name} {p[..^2]} (ms) | {x:F2} | {y:F2} | {shown} | {(bad ? "REGRESSION" : "ok")} |");
            }
        }

        var ea = Number(a.RootElement, "errorRate", fa);
        var eb = Number(b.RootElement, "errorRate", fb);
        var errorBad = eb - ea > errorRateTolerance;
        regressed |= errorBad;
        sb.AppendLine(CultureInfo.InvariantCulture, $"| error rate | {ea:P3} | {eb:P3} | {(eb - ea) * 100:+0.000;-0.000;0.000} pt | {(errorBad ? "REGRESSION" : "ok")} |");
        if (Bool(b.RootElement, "cancelled", fb, optional: true))
        {
            regressed = true;
            sb.AppendLine("| candidate | | cancelled | - | INCOMPLETE: stopped before its plan ended |");
        }

        sb.AppendLine();
        sb.AppendLine(regressed ? $"REGRESSION beyond tolerance ({latencyTolerance:P0} latency, {errorRateTolerance:P1} error rate)" : "no regression beyond tolerance");
        return (sb.ToString(), regressed);
    }

    private static string SummaryFile(string path) => Directory.Exists(path) ? Path.Combine(path, "summary.json") : path;

    private static string Describe(JsonElement s, string file) =>
        $"{Text(s, "profileName", file)} at {Text(s, "startedAt", file)} (commit {Text(s, "gitCommit", file)}, {Number(Obj(s, "machine", file), "cores", file, "machine"):0} cores)";

    private static JsonDocument Load(string path)
    {
        var file = SummaryFile(path);
        try
        {
            var doc = JsonDocument.Parse(File.ReadAllText(file));
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("schemaVersion", out var v)
                || v.ValueKind != JsonValueKind.Number
                || v.GetInt32() is < 1 or > ResultsWriter.SchemaVersion)
            {
                doc.Dispose();
                throw new InputException($"not a run summary (schema version 1 to {ResultsWriter.SchemaVersion})", file, field: "schemaVersion");
            }

            return doc;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"summary.json cannot be read: {e.Message}", file);
        }
        catch (JsonException e)
        {
            throw new InputException("invalid summary.json: " + JsonErrors.Plain(e), file, e.LineNumber + 1);
        }
    }
}
