using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>report.html opened in headless Chromium (Debian's): the seven charts (four of the fleet, two of the generator, one of the embedded target's authorizer) render, and the summary is HTML tables, offline, with no console errors.</summary>
public sealed class ReportHtmlTests
{
    [Fact]
    public async Task TheChartsRenderOfflineWithNoConsoleErrors()
    {
        Assert.True(Simulator.Core.Results.ChartLibrary.Available, "the chart library must be embedded (report-assets/ npm ci)");
        using var tmp = new TempDir();
        var (_, _, _, dir) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 6), tmp);
        var html = Path.Combine(dir, "report.html");
        Assert.DoesNotContain("src=\"http", File.ReadAllText(html), StringComparison.Ordinal); // self-contained

        var result = await Proc.RunAsync(
            "chromium",
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
             $"--user-data-dir={tmp["chrome"]}", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", "file://" + html],
            timeoutMs: 60_000);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("data-charts-rendered=\"7\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("<h2>Load generator health</h2>", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("<td>process CPU (% of all cores) p50 / max</td>", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("<h2>Accounting</h2><table>", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("<pre>", result.Stdout, StringComparison.Ordinal);
        var consoleErrors = result.Stderr.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) && (l.Contains("Uncaught", StringComparison.Ordinal) || l.Contains("Error", StringComparison.Ordinal))).ToList();
        Assert.Empty(consoleErrors);
    }
}
