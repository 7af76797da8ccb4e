using FleetScenarios;
using Simulator.Hosting;
using Xunit;

namespace FleetScenarios.Tests;

public sealed class FirmwareTests
{
    [Fact]
    public async Task TheFleetConnectsAndItsConfigRequestStaysFast()
    {
        var results = Path.Combine(Path.GetTempPath(), "fleet-results-" + Guid.NewGuid().ToString("N"));
        var summary = await FleetRunner.RunAsync(Path.Combine(AppContext.BaseDirectory, "short.json"), Firmware.Telemetry, new FleetRunnerOptions { ResultsDirectory = results });

        Assert.True(summary.Passed, summary.Verdict);
        var config = summary.Steps!["config-get"];
        Assert.True(config.Ok >= 4, $"every device asked for its config; {config.Ok} did");
        Assert.Equal(0, config.Failed);
        Assert.True(config.Latency.P99Ms < 1000, $"config-get p99 {config.Latency.P99Ms} ms");
        Assert.True(summary.Steps["telemetry"].Ok > 0);
    }
}
