using System.Net;
using System.Text.Json;
using Simulator.Core.Results;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// run --dashboard in a real browser (Debian's headless Chromium over the DevTools protocol): a page
/// opened mid-run gets every second so far, then each second as it closes, with the same figures
/// as the run's own rows, the report's seven charts, and the verdict at the end.
/// </summary>
[Collection(SerialCollection.Name)] // a browser and a run of its own: timing would suffer beside other runs
public sealed class DashboardTests
{
    [Fact]
    public async Task ALatePageGetsTheHistoryThenEachSecondAndTheVerdict()
    {
        Assert.True(ChartLibrary.Available, "the chart library must be embedded (report-assets/ npm ci)");
        using var tmp = new TempDir();
        var port = Ports.Free();
        var run = Task.Run(() => RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 6, holdSeconds: 32), tmp, dashboard: new IPEndPoint(IPAddress.Loopback, port)));
        var page = new Uri($"http://127.0.0.1:{port}/");
        await Ports.WaitOpenAsync(port, TimeSpan.FromSeconds(60));

        // Join late: the run is some seconds in when the page opens.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await using var browser = await HeadlessChromium.OpenAsync(page, TimeSpan.FromSeconds(30));
        await browser.WaitForAsync("document.body.dataset.points !== undefined && Number(document.body.dataset.points) >= 3", TimeSpan.FromSeconds(20));
        var joinedAt = (await browser.EvaluateAsync("Number(document.body.dataset.points)")).GetInt32();
        Assert.Equal(7, int.Parse((await browser.EvaluateAsync("document.body.dataset.chartsRendered")).GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(JsonValueKind.True, (await browser.EvaluateAsync("charts.every(c => c.ctx !== null)")).ValueKind); // each chart on its own canvas

        // Live: later seconds arrive while the page is open, one point each.
        await browser.WaitForAsync($"Number(document.body.dataset.points) >= {joinedAt + 3}", TimeSpan.FromSeconds(20));
        var second = int.Parse((await browser.EvaluateAsync("document.body.dataset.lastSecond")).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var points = (await browser.EvaluateAsync("Number(document.body.dataset.points)")).GetInt32();
        var connected = (await browser.EvaluateAsync("document.getElementById('live-connected').textContent")).GetString();
        var chartConnected = (await browser.EvaluateAsync($"d.connected[{second - 1}]")).GetDouble();
        Directory.CreateDirectory(Path.Combine(Peers.RepoRoot, "artifacts"));
        await browser.ScreenshotAsync(Path.Combine(Peers.RepoRoot, "artifacts", "dashboard-live.png"));

        // Saturation forced: every core of this process busy, so the generator's CPU is over its
        // limit second after second; past the allowed hot seconds the page says so.
        Assert.Equal(JsonValueKind.True, (await browser.EvaluateAsync("document.getElementById('saturated').hidden")).ValueKind);
        using (var spin = new CancellationTokenSource())
        {
            var spinners = Enumerable.Range(0, 2 * Environment.ProcessorCount).Select(_ => new Thread(() =>
            {
                while (!spin.IsCancellationRequested)
                {
                    Thread.SpinWait(1000);
                }
            }) { IsBackground = true }).ToList();
            spinners.ForEach(t => t.Start());
            try
            {
                await browser.WaitForAsync("!document.getElementById('saturated').hidden", TimeSpan.FromSeconds(30));
            }
            finally
            {
                await spin.CancelAsync();
                spinners.ForEach(t => t.Join());
            }
        }

        await browser.ScreenshotAsync(Path.Combine(Peers.RepoRoot, "artifacts", "dashboard-saturated.png"));

        var (code, output, summary, dir) = await run;
        Assert.True(summary.GetProperty("generator").GetProperty("saturated").GetBoolean(), "the run itself did not count the forced saturation"); // the page and the run agree
        Assert.True(code == 0, output);
        await browser.WaitForAsync("document.body.dataset.verdict === 'PASSED'", TimeSpan.FromSeconds(10));
        Assert.Contains(dir, (await browser.EvaluateAsync("document.getElementById('report').textContent")).GetString(), StringComparison.Ordinal);
        await browser.ScreenshotAsync(Path.Combine(Peers.RepoRoot, "artifacts", "dashboard-end.png"));

        // The page's figures are the run's own rows: the history gave every second before it joined.
        Assert.Equal(second, points);
        var rows = File.ReadAllLines(Path.Combine(dir, "timeseries.csv"));
        var header = rows[0].Split(',');
        var row = rows.Skip(1).Select(l => l.Split(',')).Single(f => f[Array.IndexOf(header, "second")] == second.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(row[Array.IndexOf(header, "connected")], connected);
        Assert.Equal(double.Parse(row[Array.IndexOf(header, "connected")], System.Globalization.CultureInfo.InvariantCulture), chartConnected);
        Assert.Equal("passed", summary.GetProperty("verdict").GetString()); // the page said PASSED: the same verdict
    }

    [Theory]
    [InlineData("nonsense", "must be PORT or HOST:PORT")]
    [InlineData("localhost:5665", "must be PORT or HOST:PORT")]
    [InlineData("70000", "the port must be 1 to 65535")]
    public async Task ABadAddressIsBadInputNamingTheOption(string address, string words)
    {
        var r = await Cli.CliRunner.RunAsync("run", "--profile", Path.Combine(Peers.RepoRoot, "profiles", "smoke.json"), "--dashboard", address);
        Assert.Equal(2, r.Code);
        Assert.Contains("--dashboard", r.Err, StringComparison.Ordinal);
        Assert.Contains(words, r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverWorkersABadAddressIsRefusedBeforeAnyWorkerStarts()
    {
        using var tmp = new TempDir();
        var r = await Cli.CliRunner.RunAsync("run", "--profile", Path.Combine(Peers.RepoRoot, "profiles", "smoke.json"), "--results", tmp["results"], "--workers", "2", "--dashboard", "nonsense");
        Assert.Equal(2, r.Code);
        Assert.Contains("--dashboard", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp["results"]), "no worker may have started");
    }
}
