using System.Globalization;
using System.Text;
using System.Text.Json;
using Simulator.Core.Errors;

namespace Simulator.Core.Results;

/// <summary>
/// Compares two runs' summary.json: latency percentiles of each phase and the error rate. A
/// regression is a latency worse by more than the relative tolerance (and by at least 1 ms, below
/// which timer noise dominates), or an error rate higher by more than the absolute tolerance.
/// </summary>
public static class RunComparison
{
    private static readonly string[] Percentiles = ["p50Ms", "p99Ms"];

    public static (string Text, bool Regressed) Compare(string baselinePath, string candidatePath, double latencyTolerance, double errorRateTolerance)
    {
        using var a = Load(baselinePath);
        using var b = Load(candidatePath);
        var sb = new StringBuilder();
        var regressed = false;
        sb.AppendLine(CultureInfo.InvariantCulture, $"baseline  {Describe(a.RootElement)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"candidate {Describe(b.RootElement)}");
        sb.AppendLine();
        sb.AppendLine("| metric | baseline | candidate | change | verdict |");
        sb.AppendLine("|---|---:|---:|---:|---|");
        var ha = a.RootElement.GetProperty("histograms");
        var hb = b.RootElement.GetProperty("histograms");
        foreach (var phase in ha.EnumerateObject())
        {
            if (!hb.TryGetProperty(phase.Name, out var other) || phase.Value.GetProperty("count").GetInt64() == 0 || other.GetProperty("count").GetInt64() == 0)
            {
                continue;
            }

            foreach (var p in Percentiles)
            {
                var x = phase.Value.GetProperty(p).GetDouble();
                var y = other.GetProperty(p).GetDouble();
                var change = x == 0 ? 0 : (y - x) / x;
                var bad = change > latencyTolerance && y - x >= 1.0;
                regressed |= bad;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {phase.Name} {p[..^2]} (ms) | {x:F2} | {y:F2} | {change:+0.0%;-0.0%;0.0%} | {(bad ? "REGRESSION" : "ok")} |");
            }
        }

        var ea = a.RootElement.GetProperty("errorRate").GetDouble();
        var eb = b.RootElement.GetProperty("errorRate").GetDouble();
        var errorBad = eb - ea > errorRateTolerance;
        regressed |= errorBad;
        sb.AppendLine(CultureInfo.InvariantCulture, $"| error rate | {ea:P3} | {eb:P3} | {(eb - ea) * 100:+0.000;-0.000;0.000} pt | {(errorBad ? "REGRESSION" : "ok")} |");
        sb.AppendLine();
        sb.AppendLine(regressed ? $"REGRESSION beyond tolerance ({latencyTolerance:P0} latency, {errorRateTolerance:P1} error rate)" : "no regression beyond tolerance");
        return (sb.ToString(), regressed);
    }

    private static string Describe(JsonElement s) =>
        $"{s.GetProperty("profileName").GetString()} at {s.GetProperty("startedAt").GetString()} (commit {s.GetProperty("gitCommit").GetString()}, {s.GetProperty("machine").GetProperty("cores").GetInt32()} cores)";

    private static JsonDocument Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "summary.json") : path;
        try
        {
            var doc = JsonDocument.Parse(File.ReadAllText(file));
            if (!doc.RootElement.TryGetProperty("schemaVersion", out var v) || v.GetInt32() != ResultsWriter.SchemaVersion)
            {
                doc.Dispose();
                throw new InputException($"not a summary.json of schema version {ResultsWriter.SchemaVersion}", file, field: "schemaVersion");
            }

            return doc;
        }
        catch (FileNotFoundException)
        {
            throw new InputException("summary.json not found", file);
        }
        catch (DirectoryNotFoundException)
        {
            throw new InputException("summary.json not found", file);
        }
        catch (JsonException e)
        {
            throw new InputException("invalid summary.json: " + e.Message, file, e.LineNumber + 1);
        }
    }
}
