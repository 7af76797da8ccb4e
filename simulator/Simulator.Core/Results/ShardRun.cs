using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Simulator.Core.Errors;
using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Metrics;
using static Simulator.Core.Results.SummaryFields;

namespace Simulator.Core.Results;

/// <summary>
/// One shard's finished run read back from its folder (summary.json and timeseries.csv) for
/// <see cref="ShardMerge"/>. Anything missing or malformed is bad input naming the file and field.
/// </summary>
public sealed class ShardRun
{
    /// <summary>The oldest summary schema merged: version 5 only added "incomplete".</summary>
    public const int MergesFrom = 4;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private ShardRun(string directory, string summaryFile, JsonElement summary, RunTotals totals, IReadOnlyList<SecondRow> rows)
    {
        Directory = directory;
        SummaryFile = summaryFile;
        Totals = totals;
        Rows = rows;
        var f = summaryFile;
        var profile = Obj(summary, "profile", f);
        var fleet = Obj(profile, "fleet", f, "profile");
        var devices = Obj(summary, "devices", f);
        var accounting = Obj(summary, "accounting", f);
        var generator = Obj(summary, "generator", f);
        ProfileName = Text(summary, "profileName", f);
        ProfileNode = JsonNode.Parse(profile.GetRawText())!;
        Shard = Text(fleet, "shard", f, "profile.fleet");
        SeedFingerprint = OptionalText(fleet, "seedFingerprint", f, "profile.fleet");
        StartedAt = DateTimeOffset.TryParse(Text(summary, "startedAt", f), Inv, DateTimeStyles.None, out var started) ? started : throw new InputException("not a date and time", f, field: "startedAt");
        DurationSeconds = Number(summary, "durationSeconds", f);
        Cancelled = Bool(summary, "cancelled", f);
        Verdict = Text(summary, "verdict", f);
        StartSkewMs = OptionalNumber(summary, "startSkewMs", f);
        Devices = new ShardDevices(
            Long(devices, "fleet", f, "devices"), Long(devices, "planned", f, "devices"), Long(devices, "peakConnected", f, "devices"), Long(devices, "connectedAtLastHold", f, "devices"),
            Long(devices, "started", f, "devices"), Long(devices, "ended", f, "devices"), Long(devices, "crashed", f, "devices"), Long(devices, "notStopped", f, "devices"));
        AttemptsStarted = Long(summary, "attemptsStarted", f);
        AccountingHolds = Bool(accounting, "holds", f, "accounting");
        AccountingProblem = OptionalText(accounting, "problem", f, "accounting");
        AccountingBrokenSeconds = Long(accounting, "brokenSeconds", f, "accounting");
        ArrivalsPlanned = Long(accounting, "arrivalsPlanned", f, "accounting");
        ArrivalsStarted = Long(accounting, "arrivalsStarted", f, "accounting");
        AttemptsInFlightAtEnd = Long(accounting, "attemptsInFlightAtEnd", f, "accounting");
        GeneratorSaturated = Bool(generator, "saturated", f, "generator");
        GeneratorSaturatedSeconds = Long(generator, "saturatedSeconds", f, "generator");
        GeneratorCpuPercentMax = Number(generator, "cpuPercentMax", f, "generator");
        GeneratorWarning = OptionalText(generator, "warning", f, "generator");
        Incomplete = OptionalText(summary, "incomplete", f);
        EmbeddedGateway = Bool(generator, "embeddedGatewayInProcess", f, "generator", optional: true);
    }

    public string Directory { get; }

    public string SummaryFile { get; }

    public RunTotals Totals { get; }

    public IReadOnlyList<SecondRow> Rows { get; }

    public string ProfileName { get; }

    /// <summary>The profile as the shard wrote it (already without secrets).</summary>
    public JsonNode ProfileNode { get; }

    /// <summary>"i/N" as the shard ran.</summary>
    public string Shard { get; }

    public string? SeedFingerprint { get; }

    public DateTimeOffset StartedAt { get; }

    public double DurationSeconds { get; }

    public bool Cancelled { get; }

    public string Verdict { get; }

    public double? StartSkewMs { get; }

    public ShardDevices Devices { get; }

    public long AttemptsStarted { get; }

    public bool AccountingHolds { get; }

    public string? AccountingProblem { get; }

    public long AccountingBrokenSeconds { get; }

    public long ArrivalsPlanned { get; }

    public long ArrivalsStarted { get; }

    public long AttemptsInFlightAtEnd { get; }

    public bool GeneratorSaturated { get; }

    public long GeneratorSaturatedSeconds { get; }

    public double GeneratorCpuPercentMax { get; }

    public string? GeneratorWarning { get; }

    public bool EmbeddedGateway { get; }

    /// <summary>Why the shard's figures are partial (it died and was rebuilt by <c>simulator report</c>); null when it ended.</summary>
    public string? Incomplete { get; }

    public static ShardRun Read(string directory)
    {
        var file = Path.Combine(directory, "summary.json");
        if (!File.Exists(file))
        {
            throw new InputException(System.IO.Directory.Exists(directory) ? "no summary.json here: not a run folder" : "no such folder", directory);
        }

        var s = ReadObject(file, "a run summary");

        if (s.TryGetProperty("capacity", out _))
        {
            throw new InputException("a capacity search cannot be merged; merge the shards of a run", file, field: "capacity");
        }

        var version = Number(s, "schemaVersion", file);
        if (version is < MergesFrom or > ResultsWriter.SchemaVersion)
        {
            throw new InputException($"schema version {version}, but this simulator merges versions {MergesFrom} to {ResultsWriter.SchemaVersion}: merge with the version that wrote it", file, field: "schemaVersion");
        }

        var histograms = new Dictionary<Phase, LatencyHistogram>();
        var hs = Obj(s, "histograms", file);
        foreach (var phase in Enum.GetValues<Phase>())
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(phase.ToString());
            var path = $"histograms.{name}";
            var h = Obj(hs, name, file, "histograms");
            if (Text(h, "encoding", file, path) != LatencyHistogram.Encoding)
            {
                throw new InputException($"encoding must be \"{LatencyHistogram.Encoding}\"", file, field: path + ".encoding");
            }

            try
            {
                histograms[phase] = LatencyHistogram.FromCompressedBase64(Text(h, "histogram", file, path), Long(h, "minUs", file, path), Long(h, "maxUs", file, path));
            }
            catch (FormatException e)
            {
                throw new InputException(e.Message, file, field: path + ".histogram");
            }

            if (histograms[phase].Count != Long(h, "count", file, path))
            {
                throw new InputException($"the histogram holds {histograms[phase].Count} values but count says {Long(h, "count", file, path)}", file, field: path + ".count");
            }
        }

        var totals = new RunTotals
        {
            Successes = Long(s, "successes", file),
            Failed = Long(s, "failed", file),
            Interrupted = Long(s, "interrupted", file),
            Publishes = Long(s, "publishes", file),
            PubAcks = Long(s, "pubAcks", file),
            Received = Long(s, "received", file),
            Failures = Counts(s, "failures", file),
            Drops = Counts(s, "drops", file),
            DropsByLastAction = Counts(s, "dropsByLastAction", file),
            Crashes = Counts(s, "crashes", file),
            FirstMessages = Obj(s, "unexpected", file).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new InputException("not a string", file, field: $"unexpected.{p.Name}"), StringComparer.Ordinal),
            Histograms = histograms,
        };
        return new ShardRun(directory, file, s, totals, ReadRows(Path.Combine(directory, "timeseries.csv")));
    }

    /// <summary>Reads timeseries.csv by its header's names, so a column added later does not shift the rest.</summary>
    private static List<SecondRow> ReadRows(string file)
    {
        if (!File.Exists(file))
        {
            throw new InputException("missing beside summary.json", file);
        }

        var lines = File.ReadAllLines(file);
        if (lines.Length == 0)
        {
            throw new InputException("empty: no header", file, 1);
        }

        var reader = new TimeseriesReader(lines[0], file);
        var rows = new List<SecondRow>();
        for (var n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length != 0)
            {
                rows.Add(reader.Parse(lines[n], n + 1));
            }
        }

        return rows;
    }
}
