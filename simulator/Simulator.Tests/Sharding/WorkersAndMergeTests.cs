using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Simulator.Core.Histograms;
using Simulator.Core.Metrics;
using Simulator.Hosting;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Sharding;

/// <summary>
/// <c>run --workers 2</c> end to end: two real worker processes, each a shard found from
/// JOB_COMPLETION_INDEX as an Indexed Job's pod would, each with its own embedded gateway, TLS and
/// device JWTs, a shared start, then the merge. The merged figures are checked against what the
/// shards wrote on their own, and the merged p99 against every raw connect sample pooled.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class WorkersAndMergeTests
{
    private const string Profile = """
        { "name": "workers-test", "target": { "kind": "embedded" }, "fleet": { "count": 41, "seed": "5" },
          "token": { "source": "device-jwt" }, "transport": { "kind": "mqtt-alpn" },
          "device": { "publishIntervalSeconds": 1, "qos": 1 },
          "phases": [ { "kind": "ramp", "rate": 40 }, { "kind": "hold", "seconds": 2 } ],
          "thresholds": { "errorRate": 0.0, "connectP99Ms": 5000 } }
        """;

    private static JsonElement Summary(string dir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement.Clone();

    [Fact]
    public async Task TwoWorkersMergeToExactlyTheirSumAndThePooledP99()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile);
        var r = await CliRunner.RunAsync("run", "--profile", tmp["p.json"], "--results", tmp["results"], "--workers", "2", "--connect-samples");
        Assert.True(r.Code == 0, r.Out + r.Err);
        var root = Directory.GetDirectories(tmp["results"]).Single();
        var shardDirs = Enumerable.Range(0, 2).Select(i => Directory.GetDirectories(Path.Combine(root, $"shard-{i}")).Single()).ToList();
        var shards = shardDirs.Select(Summary).ToList();
        var merged = Summary(Path.Combine(root, "merged"));
        SummarySchema.AssertValid(Path.Combine(root, "merged", "summary.json"));

        // Each worker found its shard in the environment, and they split the fleet: 21 + 20 devices.
        Assert.Equal(["0/2", "1/2"], shards.Select(s => s.GetProperty("profile").GetProperty("fleet").GetProperty("shard").GetString()));
        Assert.Equal([21L, 20L], shards.Select(s => s.GetProperty("devices").GetProperty("fleet").GetInt64()));
        Assert.Contains("[0/2] run 'workers-test': 21 devices", r.Out, StringComparison.Ordinal);
        Assert.Contains("[1/2] run 'workers-test': 20 devices", r.Out, StringComparison.Ordinal);

        // One combined console: the workers' rows are combined, not printed each on its own.
        Assert.Matches(@"\[all 2\] \[\s*\d+s\] ", r.Out);
        Assert.DoesNotMatch(@"\[\d/2\] \[\s*\d+s\] ", r.Out);
        Assert.DoesNotContain(WorkerConsole.Marker, r.Out, StringComparison.Ordinal);

        // Counters are the shards' sums.
        foreach (var field in new[] { "successes", "failed", "attempts", "attemptsStarted", "publishes", "pubAcks", "received" })
        {
            Assert.Equal(shards.Sum(s => s.GetProperty(field).GetInt64()), merged.GetProperty(field).GetInt64());
        }

        Assert.Equal(41, merged.GetProperty("successes").GetInt64());
        Assert.Equal(41, merged.GetProperty("devices").GetProperty("started").GetInt64());
        Assert.True(merged.GetProperty("accounting").GetProperty("holds").GetBoolean());
        Assert.Equal("passed", merged.GetProperty("verdict").GetString());
        Assert.Equal(2, merged.GetProperty("shards").GetArrayLength());

        // The merged profile is the shards' own, without secrets: the seed stays a fingerprint.
        var fleet = merged.GetProperty("profile").GetProperty("fleet");
        Assert.Equal(shards[0].GetProperty("profile").GetProperty("fleet").GetProperty("seedFingerprint").GetString(), fleet.GetProperty("seedFingerprint").GetString());
        Assert.False(fleet.TryGetProperty("seed", out _));
        Assert.Equal("merged 2 of 2", fleet.GetProperty("shard").GetString());

        // The merged p99 is the p99 of every shard's raw samples pooled (recorded into one histogram:
        // equal to the microsecond), and within the histogram's resolution of the exact sorted p99.
        var pooled = shardDirs.SelectMany(d => File.ReadAllLines(Path.Combine(d, "connect-samples.txt"))).Select(l => long.Parse(l, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(41, pooled.Count);
        var one = new LatencyHistogram();
        pooled.ForEach(one.Record);
        var connect = merged.GetProperty("histograms").GetProperty("connect");
        Assert.Equal(41, connect.GetProperty("count").GetInt64());
        foreach (var (name, pct) in new[] { ("p50Ms", 50.0), ("p90Ms", 90.0), ("p99Ms", 99.0) })
        {
            Assert.Equal(one.Percentile(pct) / 1000.0, connect.GetProperty(name).GetDouble());
        }

        var sorted = pooled.Order().ToArray();
        var exact = sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1] / 1000.0;
        Assert.InRange(connect.GetProperty("p99Ms").GetDouble(), exact * (1 - LatencyHistogram.RelativeError), exact * (1 + LatencyHistogram.RelativeError));
        Assert.Equal(sorted[^1] / 1000.0, connect.GetProperty("maxMs").GetDouble());

        // HdrHistogram's own JavaScript implementation reads the merged histograms: the encoding is the
        // standard one, and its percentiles are ours (ours clamp to the exact max, it reports the bucket's top).
        var js = await Proc.RunAsync("node", ["hdr-read.js", Path.Combine(root, "merged", "summary.json")], workingDirectory: Peers.NodeDir, timeoutMs: 30_000);
        Assert.True(js.ExitCode == 0, js.Stdout + js.Stderr);
        var read = JsonDocument.Parse(js.Stdout).RootElement.GetProperty("connect");
        Assert.Equal(41, read.GetProperty("count").GetInt64());
        foreach (var (name, pct) in new[] { ("p50", 50.0), ("p90", 90.0), ("p99", 99.0) })
        {
            Assert.Equal(one.Percentile(pct), Math.Min(read.GetProperty(name).GetInt64(), connect.GetProperty("maxUs").GetInt64()));
        }

        // Per-second rows align on the wall clock and add up to the totals.
        var rows = File.ReadAllLines(Path.Combine(root, "merged", "timeseries.csv"));
        var header = rows[0].Split(',');
        var ok = Array.IndexOf(header, "connectsOk");
        Assert.Equal(41, rows.Skip(1).Sum(l => long.Parse(l.Split(',')[ok], CultureInfo.InvariantCulture)));

        // Both shards waited for the same agreed start.
        var agreed = DateTimeOffset.Parse(Regex.Match(r.Out, @"plan starts at (\S+);").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.All(shards, s =>
        {
            Assert.True(s.TryGetProperty("startSkewMs", out var skew), "startSkewMs recorded");
            Assert.True(DateTimeOffset.Parse(s.GetProperty("startedAt").GetString()!, CultureInfo.InvariantCulture) >= agreed.AddMilliseconds(-50));
            Assert.True(skew.GetDouble() >= -50);
        });

        // A late tick can give a shard two rows in one wall-clock second: levels (devices connected)
        // must not add up across them, flows (connects) must.
        CopyDir(shardDirs[1], tmp["late"]);
        var series = File.ReadAllLines(Path.Combine(tmp["late"], "timeseries.csv")).ToList();
        var held = series.FindIndex(1, l => l.Split(',')[Array.IndexOf(header, "connected")] == "20");
        var twin = series[held].Split(',');
        twin[ok] = "0";
        series.Insert(held, string.Join(',', twin));
        File.WriteAllLines(Path.Combine(tmp["late"], "timeseries.csv"), series);
        var late = await CliRunner.RunAsync("merge", shardDirs[0], tmp["late"], "--out", tmp["late-merged"]);
        Assert.True(late.Code == 0, late.Out + late.Err);
        var lateRows = File.ReadAllLines(Path.Combine(tmp["late-merged"], "timeseries.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.True(lateRows.Max(f => long.Parse(f[Array.IndexOf(header, "connected")], CultureInfo.InvariantCulture)) <= 41, "a doubled row counted its devices twice");
        Assert.Equal(41, lateRows.Sum(f => long.Parse(f[ok], CultureInfo.InvariantCulture)));
        Assert.Equal(41, Summary(tmp["late-merged"]).GetProperty("devices").GetProperty("peakConnected").GetInt64());

        // A missing shard fails the merged accounting: the verdict would not cover every device.
        var partial = await CliRunner.RunAsync("merge", shardDirs[0], "--out", tmp["partial"]);
        Assert.Equal(1, partial.Code);
        Assert.Contains("shard(s) 1/2 missing", partial.Out, StringComparison.Ordinal);
        Assert.False(Summary(tmp["partial"]).GetProperty("accounting").GetProperty("holds").GetBoolean());

        // The same shard twice, a folder that is no run, and an --out that already holds results are bad input.
        var twice = await CliRunner.RunAsync("merge", shardDirs[0], shardDirs[0], "--out", tmp["twice"]);
        Assert.Equal(2, twice.Code);
        Assert.Contains("shard 0/2 is also", twice.Err, StringComparison.Ordinal);
        var notRun = await CliRunner.RunAsync("merge", shardDirs[0], tmp.Path, "--out", tmp["x"]);
        Assert.Equal(2, notRun.Code);
        Assert.Contains("no summary.json here", notRun.Err, StringComparison.Ordinal);
        var again = await CliRunner.RunAsync("merge", shardDirs[0], shardDirs[1], "--out", Path.Combine(root, "merged"));
        Assert.Equal(2, again.Code);
        Assert.Contains("already holds a summary.json", again.Err, StringComparison.Ordinal);
        // A summary missing a field the merge needs is bad input naming the file and the field.
        CopyDir(shardDirs[1], tmp["broken"]);
        var broken = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(tmp["broken"], "summary.json")))!;
        broken["accounting"]!.AsObject().Remove("holds");
        File.WriteAllText(Path.Combine(tmp["broken"], "summary.json"), broken.ToJsonString());
        var malformed = await CliRunner.RunAsync("merge", shardDirs[0], tmp["broken"], "--out", tmp["y"]);
        Assert.Equal(2, malformed.Code);
        Assert.Contains("summary.json:1 (accounting.holds): missing", malformed.Err, StringComparison.Ordinal);
        // A histogram that is not HdrHistogram's encoding is bad input naming its field.
        broken = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(shardDirs[1], "summary.json")))!;
        broken["histograms"]!["connect"]!["histogram"] = "SElTVEZBQUFB";
        File.WriteAllText(Path.Combine(tmp["broken"], "summary.json"), broken.ToJsonString());
        var garbled = await CliRunner.RunAsync("merge", shardDirs[0], tmp["broken"], "--out", tmp["z"]);
        Assert.Equal(2, garbled.Code);
        Assert.Contains("summary.json (histograms.connect.histogram): not an HdrHistogram V2 compressed histogram", garbled.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", twice.Err + notRun.Err + again.Err + malformed.Err + garbled.Err, StringComparison.Ordinal);
    }

    private static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
    }
}
