using System.Text.Json;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// A run killed outright (SIGKILL, as an OOM kill or an evicted pod ends it) leaves every second
/// it closed on disk, and <c>simulator report</c> turns them into an INCOMPLETE summary and report,
/// never PASSED.
/// </summary>
public sealed class CrashSurvivalTests
{
    private const string Profile = """
        {
          "name": "killed",
          "target": { "kind": "embedded" },
          "fleet": { "count": 20, "seed": "9" },
          "token": { "source": "local-issuer" },
          "transport": { "kind": "mqtt-alpn" },
          "device": { "publishIntervalSeconds": 1, "qos": 1 },
          "phases": [ { "kind": "ramp", "rate": 10 }, { "kind": "hold", "seconds": 120 } ],
          "thresholds": { "errorRate": 0 }
        }
        """;

    [Fact]
    public async Task AKilledRunLeavesItsRowsAndReportsIncomplete()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile);
        string dir;
        using (var run = await RunningSimulator.StartAsync(["run", "--profile", tmp["p.json"], "--results", tmp["results"]], tmp.Path, "[  10s]"))
        {
            var (code, _) = await run.SignalAsync("KILL");
            Assert.Equal(137, code);
            dir = Directory.GetDirectories(tmp["results"]).Single();
        }

        Assert.False(File.Exists(Path.Combine(dir, "summary.json")), "a killed run wrote no summary");
        var lines = File.ReadAllLines(Path.Combine(dir, "timeseries.csv"));
        Assert.StartsWith("second,", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length - 1 >= 9, $"{lines.Length - 1} rows on disk after 10 s:\n{string.Join('\n', lines)}");
        Assert.Contains("\"seedFingerprint\"", File.ReadAllText(Path.Combine(dir, "run.json")), StringComparison.Ordinal);
        Assert.DoesNotContain("\"seed\": \"9\"", File.ReadAllText(Path.Combine(dir, "run.json")), StringComparison.Ordinal);

        var (reportCode, stdout, stderr) = await SimulatorProcess.RunAsync(["report", dir], tmp.Path);
        Assert.True(reportCode == 1, $"exit {reportCode}\n{stdout}\n{stderr}");
        Assert.Contains("INCOMPLETE", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PASSED", stdout, StringComparison.Ordinal);

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;
        SummarySchema.AssertValid(Path.Combine(dir, "summary.json"));
        Assert.Equal("incomplete", summary.GetProperty("verdict").GetString());
        Assert.False(summary.GetProperty("passed").GetBoolean());
        Assert.Contains("killed or crashed", summary.GetProperty("incomplete").GetString(), StringComparison.Ordinal);
        Assert.False(summary.GetProperty("accounting").GetProperty("holds").GetBoolean());
        var successes = summary.GetProperty("successes").GetInt64();
        Assert.InRange(successes, 1, 20);

        // The connect histogram comes from the seconds' buckets, the count from their counters: they must agree.
        Assert.Equal(successes, summary.GetProperty("histograms").GetProperty("connect").GetProperty("count").GetInt64());
        Assert.Contains("**INCOMPLETE**", File.ReadAllText(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
        Assert.Contains("id=\"incomplete\"", File.ReadAllText(Path.Combine(dir, "report.html")), StringComparison.Ordinal);

        // Merged as a shard, it keeps the merged verdict INCOMPLETE, its reason named.
        var (mergeCode, mergeOut, mergeErr) = await CliRunner.RunAsync("merge", dir, "--out", tmp["merged"]);
        Assert.True(mergeCode == 1, $"exit {mergeCode}\n{mergeOut}\n{mergeErr}");
        var merged = JsonDocument.Parse(File.ReadAllText(tmp["merged/summary.json"])).RootElement;
        SummarySchema.AssertValid(tmp["merged/summary.json"]);
        Assert.Equal("incomplete", merged.GetProperty("verdict").GetString());
        Assert.StartsWith("shard 0/1: the run stopped writing after second", merged.GetProperty("incomplete").GetString(), StringComparison.Ordinal);

        // Once it has a summary, the folder is a finished report: a second `report` refuses.
        var (again, againOut, againErr) = await CliRunner.RunAsync("report", dir);
        Assert.Equal(2, again);
        Assert.Contains("holds a summary.json", againOut + againErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATornLastRowIsLeftOutAndABadRowIsNamed()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile.Replace("120", "3", StringComparison.Ordinal));
        var (code, output, _) = await CliRunner.RunAsync("run", "--profile", tmp["p.json"], "--results", tmp["results"]);
        Assert.True(code is 0 or 1, output);
        var dir = Directory.GetDirectories(tmp["results"]).Single();
        Assert.True(File.Exists(Path.Combine(dir, "run.json")), "the start record stays beside a finished run");
        File.Delete(Path.Combine(dir, "summary.json"));
        var csv = Path.Combine(dir, "timeseries.csv");
        var lines = File.ReadAllLines(csv);
        var rows = lines.Length - 1;

        // A kill in the middle of a write leaves part of a line: it is dropped, and said.
        File.WriteAllText(csv, string.Join('\n', lines) + "\n" + lines[^1][..20]);
        var (torn, tornOut, _) = await CliRunner.RunAsync("report", dir);
        Assert.True(torn == 1, tornOut);
        Assert.Contains("a torn last row was left out", tornOut, StringComparison.Ordinal);
        Assert.Contains($"{rows} second(s) recorded", tornOut, StringComparison.Ordinal);

        // A row garbled in the middle is bad input naming the file, line and column.
        File.Delete(Path.Combine(dir, "summary.json"));
        lines[2] = "two" + lines[2][lines[2].IndexOf(',', StringComparison.Ordinal)..];
        File.WriteAllText(csv, string.Join('\n', lines) + "\n");
        var (bad, badOut, badErr) = await CliRunner.RunAsync("report", dir);
        Assert.Equal(2, bad);
        Assert.Contains("timeseries.csv", badOut + badErr, StringComparison.Ordinal);
        Assert.True((badOut + badErr).Contains("timeseries.csv:3", StringComparison.Ordinal), badOut + badErr);
        Assert.True((badOut + badErr).Contains("second", StringComparison.Ordinal), badOut + badErr);
        Assert.DoesNotContain("   at ", badOut + badErr, StringComparison.Ordinal);
    }
}
