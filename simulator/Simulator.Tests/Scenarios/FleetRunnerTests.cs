using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Simulator.Core.Errors;
using Simulator.Core.Scenarios;
using Simulator.Hosting;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Scenarios;

/// <summary>A fleet run in code, as a test project or a generic host runs one: the typed summary back, from a real run on the embedded gateway.</summary>
public sealed class FleetRunnerTests
{
    private static ScenarioDefinition Heartbeat(Action seen) => Scenario.Create("heartbeat", async ctx =>
    {
        await using var session = await ctx.ConnectAsync();
        while (true)
        {
            await Step.Run("beat", ctx, () => session.PublishAsync($"{ctx.Device.ClientId}/telemetry", "{}"u8.ToArray()));
            seen();
            await ctx.WaitAsync(TimeSpan.FromMilliseconds(300));
        }
    });

    [Fact]
    public async Task ARunInCodeReturnsItsTypedSummary()
    {
        using var tmp = new TempDir();
        var profile = tmp["profile.json"];
        await File.WriteAllTextAsync(profile, RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 3, holdSeconds: 2));
        long beats = 0;
        var lines = new StringWriter();

        var summary = await FleetRunner.RunAsync(profile, Heartbeat(() => Interlocked.Increment(ref beats)), new FleetRunnerOptions { ResultsDirectory = tmp["results"], Output = lines });

        Assert.True(summary.Passed, lines.ToString());
        Assert.Equal("test-mqtt-alpn-device-jwt", summary.ProfileName);
        var beat = summary.Steps!["beat"];
        Assert.True(beat.Ok >= 6, $"3 devices beating every 0.3 s for 2 s; counted {beat.Ok}");
        Assert.Equal(Interlocked.Read(ref beats), beat.Ok);
        Assert.Equal(beat.Ok, beat.Latency.Count);
        Assert.Contains("step beat:", lines.ToString(), StringComparison.Ordinal);
        Assert.Single(Directory.GetDirectories(tmp["results"]));
    }

    [Fact]
    public async Task ACancelledRunStillReturnsItsSummaryMarkedCancelled()
    {
        using var tmp = new TempDir();
        var profile = tmp["profile.json"];
        await File.WriteAllTextAsync(profile, RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 2, holdSeconds: 60));
        long beats = 0;
        using var stop = new CancellationTokenSource();
        var heartbeat = Heartbeat(() =>
        {
            if (Interlocked.Increment(ref beats) == 4)
            {
                stop.Cancel(); // a few beats in: the run is under way
            }
        });

        var summary = await FleetRunner.RunAsync(profile, heartbeat, new FleetRunnerOptions { ResultsDirectory = tmp["results"] }, stop.Token);

        Assert.True(summary.Cancelled);
        Assert.False(summary.Passed);
        Assert.True(summary.DurationSeconds < 30, $"stopped early: {summary.DurationSeconds} s of a 60 s hold");
        Assert.True(summary.Steps!["beat"].Ok >= 4);
    }

    [Fact]
    public async Task ABadProfileThrowsWithItsFileAndField()
    {
        using var tmp = new TempDir();
        var profile = tmp["bad.json"];
        await File.WriteAllTextAsync(profile, RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 3).Replace("\"qos\": 1", "\"qos\": 7", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<InputException>(() => FleetRunner.RunAsync(profile, options: new FleetRunnerOptions { ResultsDirectory = tmp["results"] }));

        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("qos", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp["results"]), "nothing ran");
    }

    [Fact]
    public async Task AGenericHostRunsTheFleetAsAHostedServiceAndStopsWhenItEnds()
    {
        using var tmp = new TempDir();
        var profile = tmp["profile.json"];
        await File.WriteAllTextAsync(profile, RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 2, holdSeconds: 1));
        long beats = 0;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFleetSimulator(profile, Heartbeat(() => Interlocked.Increment(ref beats)), new FleetRunnerOptions { ResultsDirectory = tmp["results"] });
        using var host = builder.Build();
        var completion = host.Services.GetRequiredService<FleetRunCompletion>();

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await host.RunAsync(limit.Token); // disposes the host; returns because the run stopped the host, not because of the limit
        Assert.False(limit.IsCancellationRequested, "the host ran until the test's limit");

        var summary = await completion.Summary;
        Assert.True(summary.Passed);
        Assert.Equal(Interlocked.Read(ref beats), summary.Steps!["beat"].Ok);
    }
}
