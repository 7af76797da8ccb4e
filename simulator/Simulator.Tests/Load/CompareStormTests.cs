using System.Text.Json.Nodes;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary><c>compare</c> gates on each outage's time to 90 % reconnected, from a real run's summary.</summary>
public sealed class CompareStormTests
{
    private const string Profile = """
        {
          "name": "compare-storm",
          "target": { "kind": "embedded" },
          "fleet": { "count": 6, "seed": "5" },
          "token": { "source": "local-issuer" },
          "transport": { "kind": "mqtt-alpn" },
          "device": { "subscribe": false, "publishIntervalSeconds": 5, "reconnect": { "baseMilliseconds": 200, "maxMilliseconds": 400, "maxAttempts": 8 } },
          "phases": [ { "kind": "ramp", "rate": 50 }, { "kind": "hold", "seconds": 1 }, { "kind": "outage", "seconds": 1 }, { "kind": "hold", "seconds": 4 } ],
          "warmUp": { "devices": 0 }
        }
        """;

    [Fact]
    public async Task ASlowerOrUnfinishedReconnectIsARegressionAndTheSameStormIsNot()
    {
        using var tmp = new TempDir();
        var (_, output, summary, dir) = await RunHarness.RunAsync(Profile, tmp);
        Assert.True(summary.GetProperty("outages")[0].GetProperty("secondsTo90").GetDouble() >= 0, output);

        var same = await CliRunner.RunAsync("compare", dir, dir);
        Assert.Equal(0, same.Code);
        Assert.Contains("outage 1 (second", same.Out, StringComparison.Ordinal);

        string Variant(string name, Action<JsonObject> change)
        {
            var node = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!.AsObject();
            change(node["outages"]![0]!.AsObject());
            Directory.CreateDirectory(tmp[name]);
            File.WriteAllText(tmp[$"{name}/summary.json"], node.ToJsonString());
            return tmp[name];
        }

        var slow = Variant("slow", o => o["secondsTo90"] = o["secondsTo90"]!.GetValue<double>() + 10);
        var worse = await CliRunner.RunAsync("compare", dir, slow);
        Assert.Equal(1, worse.Code);
        Assert.Contains("to 90 % reconnected", worse.Out, StringComparison.Ordinal);
        Assert.Contains("REGRESSION", worse.Out, StringComparison.Ordinal);

        // Within the tolerance it passes; a wider tolerance lets the slow one pass too.
        var wide = await CliRunner.RunAsync("compare", dir, slow, "--storm-tolerance", "1000");
        Assert.Equal(0, wide.Code);

        var never = await CliRunner.RunAsync("compare", dir, Variant("never", o => o.Remove("secondsTo90")));
        Assert.Equal(1, never.Code);
        Assert.Contains("90 % never reconnected", never.Out, StringComparison.Ordinal);

        var bad = await CliRunner.RunAsync("compare", dir, dir, "--storm-tolerance", "-1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--storm-tolerance", bad.Err, StringComparison.Ordinal);
    }
}
