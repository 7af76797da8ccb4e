using System.Text.Json.Nodes;
using Simulator.Core.Errors;
using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Metrics;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>
/// One shard's finished run read back from its folder (summary.json and timeseries.csv) for
/// <see cref="ShardMerge"/>. Anything missing or malformed is bad input naming the file and field.
/// </summary>
internal sealed class ShardRun
{
    private ShardRun(string directory, string summaryFile, RunSummary summary, RunTotals totals, IReadOnlyList<SecondRow> rows)
    {
        Directory = directory;
        SummaryFile = summaryFile;
        Summary = summary;
        Totals = totals;
        Rows = rows;
        Shard = summary.Profile["fleet"]?["shard"] is JsonValue v && v.TryGetValue<string>(out var shard)
            ? shard : throw new InputException("missing or not a string", summaryFile, field: "profile.fleet.shard");
        SeedFingerprint = summary.Profile["fleet"]?["seedFingerprint"] is JsonValue f && f.TryGetValue<string>(out var fingerprint) ? fingerprint : null;
    }

    public string Directory { get; }

    public string SummaryFile { get; }

    /// <summary>The shard's summary.json as written.</summary>
    public RunSummary Summary { get; }

    public RunTotals Totals { get; }

    public IReadOnlyList<SecondRow> Rows { get; }

    /// <summary>"i/N" as the shard ran.</summary>
    public string Shard { get; }

    public string? SeedFingerprint { get; }

    public static ShardRun Read(string directory)
    {
        var file = Path.Combine(directory, "summary.json");
        if (!File.Exists(file))
        {
            throw new InputException(System.IO.Directory.Exists(directory) ? "no summary.json here: not a run folder" : "no such folder", directory);
        }

        RunSummary s;
        try
        {
            s = SummaryJson.Read(file);
        }
        catch (InputException e) when (e.Field == "kind")
        {
            throw new InputException("a capacity search cannot be merged; merge the shards of a run", file, field: "kind");
        }

        var histograms = new Dictionary<Phase, LatencyHistogram>();
        foreach (var (phase, name, h) in s.Histograms.All())
        {
            histograms[phase] = Decode(h, file, $"histograms.{name}");
        }

        var steps = new Dictionary<string, StepTotals>(StringComparer.Ordinal);
        foreach (var (name, step) in s.Steps ?? new Dictionary<string, StepSummary>())
        {
            var latency = Decode(step.Latency, file, $"steps.{name}.latency");
            if (latency.Count != step.Ok + step.Failed)
            {
                throw new InputException($"the step ran {step.Ok} + {step.Failed} times but its histogram holds {latency.Count}", file, field: $"steps.{name}.latency.count");
            }

            steps[name] = new StepTotals { Ok = step.Ok, Failed = step.Failed, Failures = step.Failures, Latency = latency };
        }

        var totals = new RunTotals
        {
            Successes = s.Successes,
            Failed = s.Failed,
            Interrupted = s.Interrupted,
            Publishes = s.Publishes,
            PubAcks = s.PubAcks,
            Received = s.Received,
            Failures = s.Failures,
            Drops = s.Drops,
            DropsByLastAction = s.DropsByLastAction,
            Crashes = s.Crashes,
            FirstMessages = s.Unexpected,
            Histograms = histograms,
            Steps = steps,
            Commands = s.Commands is { } cmd ? new CommandTotals { RatePerSecond = cmd.RatePerSecond, Topic = cmd.Topic, Sent = cmd.Sent, Received = cmd.Received } : null,
            Consumers = s.Consumers is { } c ? new ConsumerTotals { Count = c.Count, Topic = c.Topic, Received = c.Received, Duplicates = c.Duplicates, Unknown = c.Unknown, Lost = c.Lost, DroppedConnections = c.DroppedConnections } : null,
        };
        return new ShardRun(directory, file, s, totals, ReadRows(Path.Combine(directory, "timeseries.csv")));
    }

    /// <summary>A summary's histogram decoded; a garbled one, or one whose count disagrees, names the field.</summary>
    private static LatencyHistogram Decode(HistogramSummary h, string file, string path)
    {
        LatencyHistogram decoded;
        try
        {
            decoded = h.Decode();
        }
        catch (FormatException e)
        {
            throw new InputException(e.Message, file, field: path + (h.Encoding == LatencyHistogram.Encoding ? ".histogram" : ".encoding"));
        }

        return decoded.Count == h.Count ? decoded : throw new InputException($"the histogram holds {decoded.Count} values but count says {h.Count}", file, field: path + ".count");
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
