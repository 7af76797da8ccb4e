using System.Globalization;
using System.Text.Json;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Sharding;

/// <summary>
/// <c>run --workers 2 --dashboard</c>: one page over both worker processes. Its event stream's
/// seconds are the workers' seconds combined as merge combines them (their connects add up to the
/// merged run's), and at the end it gives the merged verdict and the merged report.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class WorkersDashboardTests
{
    private const string Profile = """
        { "name": "workers-live", "target": { "kind": "embedded" }, "fleet": { "count": 30, "seed": "5" },
          "token": { "source": "device-jwt" }, "transport": { "kind": "mqtt-alpn" },
          "device": { "publishIntervalSeconds": 1, "qos": 1 },
          "phases": [ { "kind": "ramp", "rate": 10 }, { "kind": "hold", "seconds": 4 } ],
          "thresholds": { "errorRate": 0.0 } }
        """;

    [Fact]
    public async Task OnePageFollowsEveryWorkerAndEndsWithTheMergedVerdict()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile);
        var port = Ports.Free();
        var run = Task.Run(() => CliRunner.RunAsync("run", "--profile", tmp["p.json"], "--results", tmp["results"], "--workers", "2", "--dashboard", port.ToString(CultureInfo.InvariantCulture)));
        await Ports.WaitOpenAsync(port, TimeSpan.FromSeconds(60));
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        var page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"));
        Assert.Contains("Live: workers-live", page, StringComparison.Ordinal);

        // Read the stream to its verdict: the history first, then each combined second.
        long connects = 0;
        var seconds = new List<double>();
        string? verdict = null;
        using (var stream = await http.GetStreamAsync(new Uri($"http://127.0.0.1:{port}/events")))
        using (var reader = new StreamReader(stream))
        {
            string? evt = null;
            while (verdict is null && await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    evt = line[7..];
                    continue;
                }

                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    evt = line.Length == 0 ? null : evt;
                    continue;
                }

                using var json = JsonDocument.Parse(line[6..]);
                var series = evt switch
                {
                    "history" => json.RootElement.GetProperty("series"),
                    "verdict" => default,
                    _ => json.RootElement.GetProperty("point"),
                };
                if (evt == "verdict")
                {
                    verdict = json.RootElement.GetProperty("verdict").GetString() + " " + json.RootElement.GetProperty("report").GetString();
                    break;
                }

                connects += series.GetProperty("connects").EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Sum(x => (long)x.GetDouble());
                seconds.AddRange(series.GetProperty("t").EnumerateArray().Select(x => x.GetDouble()));
            }
        }

        var r = await run;
        Assert.True(r.Code == 0, r.Out + r.Err);
        var root = Directory.GetDirectories(tmp["results"]).Single();
        var merged = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "merged", "summary.json"))).RootElement;

        // Both workers' connects are on the one page, each once.
        Assert.Equal(merged.GetProperty("successes").GetInt64(), connects);
        Assert.Equal(30, merged.GetProperty("successes").GetInt64());
        Assert.Equal(seconds.Order().ToList(), seconds);
        Assert.Equal(seconds.Count, seconds.Distinct().Count());
        Assert.NotNull(verdict);
        Assert.StartsWith("PASSED ", verdict, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(root, "merged", "report.html"), verdict, StringComparison.Ordinal);
    }
}
