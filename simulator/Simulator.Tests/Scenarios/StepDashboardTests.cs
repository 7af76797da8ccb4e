using System.Net;
using System.Text;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Scenarios;

/// <summary>
/// A code scenario's steps on the live dashboard (headless Chromium): each second's figures are the
/// run's own timeseries.csv row. Nothing here depends on timing, so it runs beside other tests.
/// </summary>
public sealed class StepDashboardTests
{
    [Fact]
    public async Task AScenariosNamedStepsShowEachSecondAsTheCsvHasThem()
    {
        using var tmp = new TempDir();
        var port = Ports.Free();
        var ping = Scenario.Create("ping", async ctx =>
        {
            await using var session = await ctx.ConnectAsync();
            var topic = $"{ctx.Device.ClientId}/telemetry";
            await Step.Run("subscribe", ctx, () => session.SubscribeAsync(topic));
            while (!ctx.Stopping.IsCancellationRequested)
            {
                var body = Encoding.UTF8.GetBytes(ctx.Device.ClientId);
                await Step.Run("ping", ctx, () => session.RequestAsync(topic, body, topic, TimeSpan.FromSeconds(10)));
                await ctx.WaitAsync(TimeSpan.FromMilliseconds(300));
            }
        });
        var run = Task.Run(() => RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 3, holdSeconds: 8), tmp, dashboard: new IPEndPoint(IPAddress.Loopback, port), scenario: ping));
        await Ports.WaitOpenAsync(port, TimeSpan.FromSeconds(60));
        await using var browser = await HeadlessChromium.OpenAsync(new Uri($"http://127.0.0.1:{port}/"), TimeSpan.FromSeconds(30));
        await browser.WaitForAsync("document.getElementById('live-steps').textContent.includes('ping: ')", TimeSpan.FromSeconds(30));
        var second = int.Parse((await browser.EvaluateAsync("document.body.dataset.lastSecond")).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var shown = (await browser.EvaluateAsync("document.getElementById('live-steps').textContent")).GetString()!;
        Directory.CreateDirectory(Path.Combine(Peers.RepoRoot, "artifacts"));
        await browser.ScreenshotAsync(Path.Combine(Peers.RepoRoot, "artifacts", "dashboard-steps.png"));

        var (code, output, _, dir) = await run;
        Assert.True(code == 0, output);
        var lines = File.ReadAllLines(Path.Combine(dir, "timeseries.csv"));
        var reader = new TimeseriesReader(lines[0], "timeseries.csv");
        var row = lines.Skip(1).Select((l, i) => reader.Parse(l, i + 2)).Single(r => r.Second == second);
        var ok = row.Steps["ping"].Ok;
        Assert.Matches(@"ping: " + ok + @" ok, 0 failed, p99 \d+\.\d ms", shown);
    }
}
