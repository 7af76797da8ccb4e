using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Simulator.Core.Errors;
using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Load;
using Simulator.Core.Metrics;

namespace Simulator.Core.Results;

/// <summary>
/// <c>simulator report RUN_DIR</c>: a run that died before its end (killed, out of memory,
/// evicted) judged from what it left: run.json and the seconds timeseries.csv holds. Every
/// per-second flow adds up (connects, failures by class, publishes, drops) and the connect
/// histogram is exact (the seconds' buckets summed); phases not kept per second are empty. The
/// verdict is INCOMPLETE, never PASSED: the devices live when it died were never accounted for.
/// </summary>
internal static class IncompleteRun
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Drops are kept per second as a count only; their reasons are in the final summary a dead run never wrote.</summary>
    public const string DropsWithoutReason = "reason not kept per second";

    public static RunReport Read(string directory)
    {
        var startFile = Path.Combine(directory, RunFolder.StartFile);
        if (File.Exists(Path.Combine(directory, "summary.json")))
        {
            throw new InputException("holds a summary.json: the run ended and its report.md and report.html are beside it; `simulator report` rebuilds runs that died before their end", directory);
        }

        if (!File.Exists(startFile))
        {
            throw new InputException(Directory.Exists(directory) ? $"no {RunFolder.StartFile} here: not a run folder" : "no such folder", directory);
        }

        var start = Summary.SummaryJson.ReadStart(startFile);
        var profileNode = start.Profile;
        var profile = WrittenProfile.Parse(profileNode, startFile, "profile");
        var startedAt = start.StartedAt;
        var rows = ReadRows(Path.Combine(directory, "timeseries.csv"), out var torn);
        var last = rows.Count == 0 ? 0 : rows[^1].Second;
        var why = $"the run stopped writing after second {last} of {start.PlanSeconds:0} planned without its final accounting (killed or crashed)"
            + (torn ? "; a torn last row was left out" : string.Empty);

        var outcome = new RunOutcome(startedAt, last, rows, Cancelled: false, (int)start.PlannedDevices, rows.Count == 0 ? 0 : rows.Max(r => r.Connected))
        {
            ConnectedAtLastHold = rows.Count == 0 ? 0 : rows[^1].Connected,
            FinalCensus = null,
            AccountingBrokenSeconds = rows.Count(r => !r.AccountingHolds),
            ReportedProblem = $"{why}: the devices live then were never counted to an end",
            Health = HealthTotals.Of(rows.Select(r => r.Health)),
            GeneratorSaturatedSeconds = SaturatedSeconds(rows),
        };
        return new RunReport(profile, outcome, Totals(rows), (int)start.FleetDevices)
        {
            EmbeddedGateway = start.EmbeddedGatewayInProcess,
            StartSkewMs = start.StartSkewMs,
            ProfileNode = profileNode,
            Incomplete = why,
        };
    }

    /// <summary>The per-second flows summed, and the connect histogram from the seconds' buckets.</summary>
    private static RunTotals Totals(IReadOnlyList<SecondRow> rows)
    {
        var connect = new LatencyHistogram();
        foreach (var r in rows.Where(r => r.ConnectHistogram.Length > 0))
        {
            connect.Merge(LatencyHistogram.FromCompressedBase64(r.ConnectHistogram));
        }

        var drops = rows.Sum(r => r.Drops);
        return new RunTotals
        {
            Successes = rows.Sum(r => r.ConnectsOk),
            Failed = rows.Sum(r => r.ConnectsFailed),
            Publishes = rows.Sum(r => r.Publishes),
            PubAcks = rows.Sum(r => r.PubAcks),
            Received = rows.Sum(r => r.Received),
            Failures = rows.SelectMany(r => r.ErrorsByClass).GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Value), StringComparer.Ordinal),
            Drops = drops == 0 ? new Dictionary<string, long>() : new Dictionary<string, long> { [DropsWithoutReason] = drops },
            Histograms = new Dictionary<Phase, LatencyHistogram> { [Phase.Connect] = connect },
        };
    }

    /// <summary>As <see cref="GeneratorHealth"/> counts them: seconds in hot stretches longer than it allows.</summary>
    private static int SaturatedSeconds(IReadOnlyList<SecondRow> rows)
    {
        int saturated = 0, run = 0;
        foreach (var r in rows)
        {
            run = r.Health.Hot ? run + 1 : 0;
            saturated += GeneratorHealth.SaturatedBy(run);
        }

        return saturated;
    }

    /// <summary>The streamed rows; a last line without its line end (cut by the kill) is left out, any other bad line is bad input.</summary>
    private static List<SecondRow> ReadRows(string file, out bool torn)
    {
        if (!File.Exists(file))
        {
            throw new InputException($"missing beside {RunFolder.StartFile}: the run died before its first second", file);
        }

        var text = File.ReadAllText(file);
        var lines = text.Split('\n');
        torn = lines[^1].Length > 0;
        if (lines.Length < 2)
        {
            throw new InputException("no header: the run died before its first second", file, 1);
        }

        var reader = new TimeseriesReader(lines[0], file);
        var rows = new List<SecondRow>();
        for (var n = 1; n < lines.Length - 1; n++)
        {
            if (lines[n].Length != 0)
            {
                rows.Add(reader.Parse(lines[n], n + 1));
            }
        }

        return rows;
    }
}
