using System.Text.Json;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>How runs end, in a real process: signals give cancelled results and exit 130; too few file descriptors never end PASSED.</summary>
public sealed class EndingsTests
{
    private static string Profile(int devices, double holdSeconds) => $$"""
        {
          "name": "endings",
          "target": { "kind": "embedded" },
          "fleet": { "count": {{devices}}, "seed": "5" },
          "token": { "source": "local-issuer" },
          "transport": { "kind": "mqtt-alpn" },
          "device": { "publishIntervalSeconds": 1, "qos": 1 },
          "phases": [ { "kind": "ramp", "rate": 50 }, { "kind": "hold", "seconds": {{holdSeconds}} } ],
          "thresholds": { "errorRate": 0 }
        }
        """;

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task ASignalStopsTheRunGracefullyWithCancelledResultsAndExit130(string signal)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile(10, 120));
        using var run = await RunningSimulator.StartAsync(["run", "--profile", tmp["p.json"], "--results", tmp["results"]], tmp.Path, "[   5s]");
        var (code, took) = await run.SignalAsync(signal);
        var text = run.Output;
        Assert.True(took < TimeSpan.FromSeconds(20), $"took {took}");
        Assert.True(code == 130, $"exit {code}\n{text}\n{await run.Stderr}");
        Assert.Contains("CANCELLED", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PASSED", text, StringComparison.Ordinal);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(tmp["results"]).Single(), "summary.json"))).RootElement;
        Assert.Equal("cancelled", summary.GetProperty("verdict").GetString());
        Assert.True(summary.GetProperty("cancelled").GetBoolean());
        Assert.False(summary.GetProperty("passed").GetBoolean());
        Assert.Equal(10, summary.GetProperty("devices").GetProperty("ended").GetInt64()); // every device stopped and counted
    }

    [Fact]
    public async Task TooFewFileDescriptorsAreRefusedByPreflight()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile(45, 2));
        var (code, stdout, stderr) = await SimulatorProcess.RunAsync(["run", "--profile", tmp["p.json"], "--results", tmp["results"]], tmp.Path, openFilesLimit: 296);
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("file descriptors", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("ulimit -n", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp["results"]) && Directory.GetDirectories(tmp["results"]).Length > 0, "nothing ran");
    }

    [Fact]
    public async Task FileDescriptorExhaustionPastPreflightIsCountedNeverPassed()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile(200, 2));
        var (code, stdout, stderr) = await SimulatorProcess.RunAsync(["run", "--no-preflight", "--profile", tmp["p.json"], "--results", tmp["results"]], tmp.Path, openFilesLimit: 296);
        Assert.True(code == 1, $"exit {code}\n{stdout}\n{stderr}");
        Assert.DoesNotContain("PASSED", stdout, StringComparison.Ordinal);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(tmp["results"]).Single(), "summary.json"))).RootElement;
        Assert.Equal("failed", summary.GetProperty("verdict").GetString());
        Assert.Equal(200, summary.GetProperty("devices").GetProperty("started").GetInt64());
        Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean(), stdout);
        Assert.True(summary.GetProperty("failed").GetInt64() > 0, stdout);
    }
}
