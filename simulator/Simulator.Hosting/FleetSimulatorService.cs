using Microsoft.Extensions.Hosting;
using Simulator.Core.Scenarios;

namespace Simulator.Hosting;

/// <summary>The fleet run as a hosted service: it starts with the host, stops gracefully with it (a stop still writes the summary), and may stop the host when it ends.</summary>
internal sealed class FleetSimulatorService(string profilePath, ScenarioDefinition? scenario, FleetRunnerOptions options, bool stopHostWhenDone, FleetRunCompletion completion, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var run = FleetRunner.RunAsync(profilePath, scenario, options, stoppingToken);
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (Exception) when (run.IsFaulted)
        {
            // Handed to whoever awaits the completion; the host itself goes on or stops as asked.
        }
        finally
        {
            completion.Complete(run);
            if (stopHostWhenDone)
            {
                lifetime.StopApplication();
            }
        }
    }
}
