using System.Text.Json;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>A target that refuses every warm-up device stops the run before its plan, and says why.</summary>
public sealed class WarmUpAbortTests
{
    private static string Profile(int port, string warmUp) => $$"""
        {
          "name": "refused",
          "target": { "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": {{port}} },
          "fleet": { "count": 8, "seed": "3" },
          "token": { "source": "device-jwt" },
          "transport": { "kind": "mqtt-alpn" },
          "device": { "reconnect": { "baseMilliseconds": 50, "maxMilliseconds": 100, "maxAttempts": 2 } },
          "warmUp": {{warmUp}},
          "phases": [ { "kind": "ramp", "to": 8, "rate": 100 }, { "kind": "hold", "seconds": 2 } ]
        }
        """;

    [Fact]
    public async Task EveryWarmUpDeviceRefusedAbortsBeforeThePlanUnlessWarmUpIsNotRequired()
    {
        using var tmp = new TempDir();
        var port = Ports.Free(); // nothing listens: every connect is refused
        File.WriteAllText(tmp["aborted.json"], Profile(port, """{ "devices": 2 }"""));
        var aborted = await CliRunner.RunAsync("run", "--profile", tmp["aborted.json"], "--results", tmp["results-a"]);
        Assert.Equal(1, aborted.Code);
        Assert.Contains("ABORTED before the plan: the target refused every warm-up device (2 of 2): TcpRefused ×2 (e.g. ", aborted.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("] 1/2 ramp", aborted.Out, StringComparison.Ordinal); // no second of the plan ran
        var dir = Directory.GetDirectories(tmp["results-a"]).Single();
        SummarySchema.AssertValid(Path.Combine(dir, "summary.json"));
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))))
        {
            var s = doc.RootElement;
            Assert.Equal("aborted", s.GetProperty("verdict").GetString());
            Assert.StartsWith("the target refused every warm-up device", s.GetProperty("aborted").GetString(), StringComparison.Ordinal);
            Assert.Equal(2, s.GetProperty("failures").GetProperty("TcpRefused").GetInt64()); // the warm-up's attempts are counted, not lost
            Assert.True(s.GetProperty("accounting").GetProperty("holds").GetBoolean());
        }

        Assert.Contains("ABORTED", File.ReadAllText(Path.Combine(dir, "report.md")), StringComparison.Ordinal);

        // warmUp.required: false runs the plan anyway, and the plan itself is FAILED: nothing connected.
        File.WriteAllText(tmp["anyway.json"], Profile(port, """{ "devices": 2, "required": false }"""));
        var anyway = await CliRunner.RunAsync("run", "--profile", tmp["anyway.json"], "--results", tmp["results-b"]);
        Assert.Equal(1, anyway.Code);
        Assert.DoesNotContain("ABORTED", anyway.Out, StringComparison.Ordinal);
        Assert.Contains("FAILED: 0 of", anyway.Out, StringComparison.Ordinal);
    }
}
