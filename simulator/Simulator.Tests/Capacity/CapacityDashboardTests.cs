using System.Globalization;
using System.Text.Json;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Capacity;

/// <summary>
/// <c>capacity --dashboard</c> in a real browser (Debian's headless Chromium): a page opened during
/// the search shows each step's seconds, numbered on across the steps, and each judged step as a
/// point on the offered-against-achieved curve, the capacity report's own charts; at the end the
/// verdict and the report.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class CapacityDashboardTests
{
    private const string Profile = """
        {
          "name": "capacity-live",
          "target": { "kind": "embedded" },
          "fleet": { "count": 20, "seed": "9" },
          "token": { "source": "device-jwt" },
          "transport": { "kind": "mqtt-alpn" },
          "device": { "publishIntervalSeconds": 60, "qos": 1 },
          "warmUp": { "devices": 2 },
          "capacity": { "startRate": 5, "maxRate": 20, "growth": 2, "stepSeconds": 2, "sessionSeconds": 0.5, "cooldownSeconds": 0, "refineSteps": 0 }
        }
        """;

    [Fact]
    public async Task APageShowsEachStepAsItRunsAndTheCurveAsItGrows()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile);
        var port = Ports.Free();
        var run = Task.Run(() => CliRunner.RunAsync("capacity", "--profile", tmp["p.json"], "--results", tmp["results"], "--dashboard", port.ToString(CultureInfo.InvariantCulture)));
        await Ports.WaitOpenAsync(port, TimeSpan.FromSeconds(60));
        await using var browser = await HeadlessChromium.OpenAsync(new Uri($"http://127.0.0.1:{port}/"), TimeSpan.FromSeconds(30));

        // The curve grows while the search runs: a step is on it before the verdict is.
        await browser.WaitForAsync("Number(document.body.dataset.steps || 0) >= 1 && !document.body.dataset.verdict", TimeSpan.FromSeconds(60));
        Assert.Equal("4", (await browser.EvaluateAsync("document.body.dataset.capacityCharts")).GetString());
        Directory.CreateDirectory(Path.Combine(Peers.RepoRoot, "artifacts"));
        await browser.ScreenshotAsync(Path.Combine(Peers.RepoRoot, "artifacts", "capacity-dashboard-live.png"));

        var r = await run;
        Assert.True(r.Code == 0, r.Out + r.Err);
        await browser.WaitForAsync("document.body.dataset.verdict !== undefined", TimeSpan.FromSeconds(10));
        await browser.ScreenshotAsync(Path.Combine(Peers.RepoRoot, "artifacts", "capacity-dashboard-end.png"));
        var dir = Directory.GetDirectories(tmp["results"]).Single();
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;
        var steps = summary.GetProperty("capacity").GetProperty("steps").EnumerateArray().ToList();

        // Every judged step is on the page's curve, at its offered and achieved rates.
        Assert.Equal(steps.Count, (await browser.EvaluateAsync("sd.rate.length")).GetInt32());
        var offered = steps.Select(s => Math.Round(s.GetProperty("offeredPerSecond").GetDouble(), 3)).Order().ToList();
        var shown = (await browser.EvaluateAsync("sd.rate")).EnumerateArray().Select(x => x.GetDouble()).ToList();
        Assert.Equal(offered, shown);
        var achieved = steps.OrderBy(s => s.GetProperty("offeredPerSecond").GetDouble()).Select(s => Math.Round(s.GetProperty("achievedPerSecond").GetDouble(), 3)).ToList();
        Assert.Equal(achieved, (await browser.EvaluateAsync("sd.achieved")).EnumerateArray().Select(x => Math.Round(x.GetDouble(), 3)).ToList());

        // The seconds run on across the steps, and name the step they belong to.
        var points = (await browser.EvaluateAsync("d.t")).EnumerateArray().Select(x => x.GetDouble()).ToList();
        Assert.True(points.Count >= steps.Count * 2, $"{points.Count} seconds for {steps.Count} steps of 2 s");
        Assert.Equal(points.Order().ToList(), points);
        Assert.Equal(points.Count, points.Distinct().Count());
        Assert.StartsWith("step ", (await browser.EvaluateAsync("document.getElementById('live-phase').textContent")).GetString(), StringComparison.Ordinal);

        // The verdict is the search's, and the report is the search's report.
        var verdict = (await browser.EvaluateAsync("document.body.dataset.verdict")).GetString()!;
        Assert.StartsWith(summary.GetProperty("capacity").GetProperty("limitedBy").GetString() == "generator" ? "INCONCLUSIVE" : "FOUND", verdict, StringComparison.Ordinal);
        Assert.Contains(dir, (await browser.EvaluateAsync("document.getElementById('report').textContent")).GetString(), StringComparison.Ordinal);
    }
}
