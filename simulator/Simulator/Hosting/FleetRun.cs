using Simulator.Core.Load;
using Simulator.Core.Metrics;
using Simulator.Core.Results;

namespace Simulator.Hosting;

/// <summary>
/// One run end to end: the target environment, the engine, the console, and the results. Results
/// are written even when the run is stopped early.
/// </summary>
public static class FleetRun
{
    public static async Task<int> ExecuteAsync(RunSetup setup, CancellationToken stop)
    {
        var profile = setup.Profile;
        using var metrics = new RunMetrics();
        await using var env = await TargetEnvironment.CreateAsync(profile, setup.ProfilePath, metrics, setup.Out, stop).ConfigureAwait(false);
        var engine = new LoadEngine(env.Context, env.Devices);
        await setup.Out.WriteLineAsync($"run '{profile.Name}': {env.Devices.Count} devices (shard {profile.Fleet.Shard}), {profile.Transport.Kind}, tokens from {profile.Token.Source}, {engine.Plan.TotalSeconds:F0} s planned").ConfigureAwait(false);
        var console = ConsoleReporter.RunAsync(engine, setup);
        var outcome = await engine.RunAsync(stop).ConfigureAwait(false);
        await console.ConfigureAwait(false);

        var report = new RunReport(profile, outcome, metrics, env.Devices.Count);
        setup.ResultsDirectory = ResultsWriter.Write(report, setup.ResultsRoot);
        await ConsoleReporter.PrintSummaryAsync(report, setup).ConfigureAwait(false);
        return report.Passed ? Cli.ExitCodes.Ok : Cli.ExitCodes.Failed;
    }
}
